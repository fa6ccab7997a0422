namespace Portico.Storage;

/// <summary>
/// Sliding-window counters that every instance shares: the limit is global, never per process.
/// </summary>
internal interface IRateLimitStore
{
    /// <summary>Counts one call for <paramref name="key"/> if fewer than <paramref name="limit"/> happened in the last <paramref name="window"/>; atomically.</summary>
    ValueTask<RateLimitDecision> TryAcquireAsync(string key, int limit, TimeSpan window, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>How much of the window is used, without counting a call.</summary>
    ValueTask<RateLimitDecision> PeekAsync(string key, int limit, TimeSpan window, DateTimeOffset now, CancellationToken cancellationToken);
}
