using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace Portico.Tasks;

/// <summary>
/// A task running on this instance: how to stop it, and the input requests it waits on. Answers reach it from the
/// store (<c>tasks/update</c> may arrive on any instance); whoever delivers an answer first wins, later copies are ignored.
/// </summary>
internal sealed class RunningTask(string id) : IDisposable
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<JsonNode?>> _waiting = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _cancellation = new();
    private volatile bool _stoppedByShutdown;

    public string Id { get; } = id;

    public CancellationToken Token => _cancellation.Token;

    /// <summary>The instance is stopping (not the client cancelling): the task fails with a reason instead of being cancelled.</summary>
    public bool StoppedByShutdown => _stoppedByShutdown;

    /// <summary>The run itself, awaited at shutdown so its final status is recorded.</summary>
    public Task Completion { get; set; } = Task.CompletedTask;

    public bool IsWaiting => !_waiting.IsEmpty;

    public void Cancel(bool shutdown = false)
    {
        if (shutdown)
        {
            _stoppedByShutdown = true;
        }

        try
        {
            _cancellation.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>Starts waiting for the answer to <paramref name="key"/> (before the request is stored, so no answer can be missed).</summary>
    public Task<JsonNode?> Expect(string key)
    {
        var answer = new TaskCompletionSource<JsonNode?>(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiting[key] = answer;
        return answer.Task;
    }

    public void StopExpecting(string key) => _waiting.TryRemove(key, out _);

    /// <summary>Hands over the answers this task waits for; returns how many it took.</summary>
    public int Deliver(JsonObject responses)
    {
        var taken = 0;
        foreach (var (key, answer) in _waiting)
        {
            if (responses.TryGetPropertyValue(key, out var response) && _waiting.TryRemove(key, out _))
            {
                answer.TrySetResult(response?.DeepClone());
                taken++;
            }
        }

        return taken;
    }

    public void Dispose() => _cancellation.Dispose();
}
