using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Portico.Gateway;

/// <summary>
/// Forwards an upstream call's progress to the client under the client's own progress token, in
/// order (each notification waits for the one before it).
/// </summary>
internal sealed class ProgressRelay(McpServer server, ProgressToken token) : IProgress<ProgressNotificationValue>
{
    private readonly Lock _lock = new();
    private readonly TaskCompletionSource _complete = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _last = Task.CompletedTask;

    public void Report(ProgressNotificationValue value)
    {
        lock (_lock)
        {
            _last = SendAfterAsync(_last, value);
        }

        if (value.Total is { } total && value.Progress >= total)
        {
            _complete.TrySetResult();
        }
    }

    /// <summary>
    /// Waits until every reported step has been sent (failures to send are dropped: progress is
    /// advisory). The SDK client hands notifications to handlers concurrently, so the upstream's
    /// last step can be reported just after its result; an unfinished count gets a short grace.
    /// </summary>
    public async Task DrainAsync(TimeSpan grace)
    {
        if (!_complete.Task.IsCompleted)
        {
            await Task.WhenAny(_complete.Task, Task.Delay(grace));
        }

        Task last;
        lock (_lock)
        {
            last = _last;
        }

        try
        {
            await last;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
        }
    }

    private async Task SendAfterAsync(Task previous, ProgressNotificationValue value)
    {
        try
        {
            await previous;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
        }

        await server.NotifyProgressAsync(token, value);
    }
}
