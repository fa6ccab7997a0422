using System.Security.Cryptography;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using Portico.Catalog;

namespace Portico.Gateway;

/// <summary>
/// One upstream tool call of a stateless (2026-07-28) caller, kept running on this instance across the caller's rounds.
/// What the upstream asks during it — server→client requests of a 2025-11-25 upstream, or an input-required result the
/// SDK client resolves through Portico's handlers — waits here as open questions; the gateway answers the caller's
/// <c>tools/call</c> with them (<c>input_required</c>) and hands the answers of the caller's retry to the waiting
/// upstream requests (see <see cref="UpstreamInputRounds"/>).
/// </summary>
internal sealed class UpstreamInputRound(string tool, McpCallContext call, string? tenantId, ClientCapabilities? capabilities, TimeSpan upstreamTimeout, long started)
    : IDisposable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, TaskCompletionSource<InputResponse>> _answers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, InputRequest> _open = new(StringComparer.Ordinal);
    private TaskCompletionSource _asked = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _lifetime = new();
    private int _next;
    private ITimer? _expiry;

    /// <summary>Random and unguessable; it travels only inside Portico's sealed <c>requestState</c>.</summary>
    public string Id { get; } = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    /// <summary>The catalog name of the tool (what the audit trail records).</summary>
    public string Tool { get; } = tool;

    /// <summary>The first round's call: whose the round is, and the request id the audit trail ties it to.</summary>
    public McpCallContext Call { get; } = call;

    public string? TenantId { get; } = tenantId;

    public TimeSpan UpstreamTimeout { get; } = upstreamTimeout;

    public long Started { get; } = started;

    /// <summary>One retry at a time: two retries carrying the same state are answered one after the other.</summary>
    public SemaphoreSlim Turn { get; } = new(1, 1);

    /// <summary>The upstream call; its result (or the upstream's own input-required result, thrown) ends the round.</summary>
    public Task<CallToolResult> Upstream { get; private set; } = Task.FromResult(new CallToolResult());

    public bool Cancelled => _lifetime.IsCancellationRequested;

    /// <summary>Starts the upstream call, detached from the request that started it: it lives as long as the round.</summary>
    public void Start(Func<UpstreamInputRound, CancellationToken, Task<CallToolResult>> call)
    {
        Upstream = Task.Run(() => call(this, _lifetime.Token));
        // Its token is the call's alone: once the call has ended nothing asks and nothing links to it.
        _ = Upstream.ContinueWith(_ => Dispose(), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
    }

    /// <summary>
    /// The upstream asks the caller <paramref name="request"/> (called by the upstream client's handlers): it becomes an
    /// open question of the next round, and the answer comes back when the caller retries.
    /// </summary>
    /// <exception cref="MissingRequiredClientCapabilityException">The caller declared no capability to answer it.</exception>
    public async Task<T> AskAsync<T>(InputRequest request, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> answerType, CancellationToken cancellationToken)
        where T : class
    {
        if (!new ClientInput(capabilities).CanAsk(request.Method))
        {
            throw UpstreamConnection.Missing(request.Method);
        }

        var answer = new TaskCompletionSource<InputResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
        string key;
        TaskCompletionSource asked;
        lock (_lock)
        {
            key = $"upstream-{++_next}";
            _open[key] = request;
            _answers[key] = answer;
            (asked, _asked) = (_asked, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        }

        asked.TrySetResult();
        try
        {
            using var ended = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _lifetime.Token);
            var response = await answer.Task.WaitAsync(ended.Token);
            return response.Deserialize(answerType)
                ?? throw new McpProtocolException($"The client's answer to '{request.Method}' was empty.", McpErrorCode.InternalError);
        }
        finally
        {
            lock (_lock)
            {
                _open.Remove(key);
                _answers.Remove(key);
            }
        }
    }

    /// <summary>
    /// Waits for what comes next: the questions open now (null when the upstream call ended first; await
    /// <see cref="Upstream"/> for its outcome).
    /// </summary>
    public async Task<IReadOnlyDictionary<string, InputRequest>?> NextAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Task asked;
            lock (_lock)
            {
                if (Upstream.IsCompleted)
                {
                    return null;
                }

                if (_open.Count > 0)
                {
                    return new Dictionary<string, InputRequest>(_open, StringComparer.Ordinal);
                }

                asked = _asked.Task;
            }

            await Task.WhenAny(Upstream, asked).WaitAsync(cancellationToken);
        }
    }

    /// <summary>Hands the caller's answers to the upstream requests waiting for them; keys nobody waits for are ignored.</summary>
    public void Answer(IReadOnlyDictionary<string, InputResponse> responses)
    {
        lock (_lock)
        {
            foreach (var (key, response) in responses)
            {
                // Removed here, not when the waiting request resumes: the next round must not ask it again.
                if (_answers.Remove(key, out var waiting))
                {
                    _open.Remove(key);
                    waiting.TrySetResult(response);
                }
            }
        }
    }

    /// <summary>Starts the wait for the caller's retry; when it runs out, <paramref name="expired"/> is called.</summary>
    public void Arm(TimeProvider time, TimeSpan after, Action<UpstreamInputRound> expired)
    {
        lock (_lock)
        {
            _expiry?.Dispose();
            _expiry = time.CreateTimer(_ => expired(this), null, after, Timeout.InfiniteTimeSpan);
        }
    }

    public void Disarm()
    {
        lock (_lock)
        {
            _expiry?.Dispose();
            _expiry = null;
        }
    }

    /// <summary>Ends the round: the upstream call is cancelled (Portico tells the upstream so) and nothing waits any more.</summary>
    public void Cancel()
    {
        Disarm();
        try
        {
            _lifetime.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The call had ended already: nothing to cancel.
        }

        // Observed: nobody awaits a cancelled round's call.
        _ = Upstream.ContinueWith(static t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
    }

    /// <summary>Once the call ended; the expiry timer stays armed, so a round nobody comes back for is still removed and audited.</summary>
    public void Dispose() => _lifetime.Dispose();
}
