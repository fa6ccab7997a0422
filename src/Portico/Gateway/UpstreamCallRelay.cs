using ModelContextProtocol.Protocol;
using Portico.Catalog;
using Portico.Policy;

namespace Portico.Gateway;

/// <summary>
/// What an upstream sends about one call — log messages and progress — relayed to that call's caller
/// alone, in order, and all of it before the call's result. Over Streamable HTTP the upstream sends them
/// on the call's own response stream; <see cref="UpstreamCallTap"/> marks each one there with the call's
/// request id (<see cref="MetaKey"/>) and counts it, so the result waits until every one of them was
/// relayed. The SDK runs notification handlers concurrently with the result, so without the count the
/// last message could arrive after the call was over (and be lost, or go to another caller).
/// </summary>
internal sealed class UpstreamCallRelay(string requestId, ToolInvocation invocation)
{
    /// <summary>The <c>_meta</c> key carrying the related request id; added by Portico on the way in, removed before relaying.</summary>
    public const string MetaKey = "io.portico/related-request";

    private static readonly AsyncLocal<UpstreamCallRelay?> InFlight = new();

    private readonly Lock _lock = new();
    private TaskCompletionSource _handledSignal = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _progressComplete = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _last = Task.CompletedTask;
    private int _seen;
    private int _handled;
    private volatile bool _tapped;

    /// <summary>The call whose requests the current async flow sends (read by <see cref="UpstreamCallTap"/>).</summary>
    public static UpstreamCallRelay? Current
    {
        get => InFlight.Value;
        set => InFlight.Value = value;
    }

    /// <summary>Portico's request id for the call upstream (also its progress token there).</summary>
    public string RequestId { get; } = requestId;

    public ToolInvocation Invocation { get; } = invocation;

    /// <summary>
    /// The input round of a stateless (2026-07-28) caller: what the upstream asks during the call waits there for the
    /// caller's retry instead of going to a session (which such a caller does not have). Null for callers with a session.
    /// </summary>
    public UpstreamInputRound? Round { get; init; }

    /// <summary>
    /// A stateless caller in front of a stateless upstream: the upstream's input-required result is passed through (its
    /// <c>requestState</c> sealed inside Portico's) instead of being resolved here. <see cref="UpstreamCallTap"/> takes it
    /// off the wire into <see cref="PassedInput"/> before the SDK client would resolve it through its handlers.
    /// </summary>
    public bool PassInputThrough { get; init; }

    /// <summary>The upstream's input-required result taken off the wire (see <see cref="PassInputThrough"/>).</summary>
    public InputRequiredResult? PassedInput { get; set; }

    /// <summary>The call's responses pass through <see cref="UpstreamCallTap"/> (Streamable HTTP), so its notifications are counted.</summary>
    public void MarkTapped() => _tapped = true;

    /// <summary>A notification of this call was read off the wire (before the SDK sees it).</summary>
    public void Seen() => Interlocked.Increment(ref _seen);

    /// <summary>Sends <paramref name="send"/> after everything relayed before it; failures are dropped (relayed messages are advisory).</summary>
    public void Relay(Func<Task> send)
    {
        lock (_lock)
        {
            _last = AfterAsync(_last, send);
        }

        Handled();
    }

    /// <summary>A notification of this call that is not relayed (e.g. progress the caller did not ask for).</summary>
    public void Handled()
    {
        Interlocked.Increment(ref _handled);
        Interlocked.Exchange(ref _handledSignal, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    public void ProgressReached() => _progressComplete.TrySetResult();

    /// <summary>
    /// Waits until every notification of the call has gone out. Counted (Streamable HTTP): until each one
    /// seen on the wire was handled, within <paramref name="grace"/>. Not counted (stdio, where nothing on
    /// the wire says which call a message belongs to): progress the upstream did not finish gets the grace.
    /// </summary>
    public async Task DrainAsync(bool progressAsked, TimeSpan grace)
    {
        using var timeout = new CancellationTokenSource(grace);
        try
        {
            if (_tapped)
            {
                while (true)
                {
                    // Read the signal before the counts: a message handled in between completes this very signal.
                    var signal = Volatile.Read(ref _handledSignal);
                    if (Volatile.Read(ref _handled) >= Volatile.Read(ref _seen))
                    {
                        break;
                    }

                    await signal.Task.WaitAsync(timeout.Token);
                }
            }
            else if (progressAsked)
            {
                await _progressComplete.Task.WaitAsync(timeout.Token);
            }
        }
        catch (OperationCanceledException)
        {
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

    private static async Task AfterAsync(Task previous, Func<Task> send)
    {
        try
        {
            await previous;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
        }

        await send();
    }
}
