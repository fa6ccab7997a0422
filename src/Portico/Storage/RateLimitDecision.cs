namespace Portico.Storage;

/// <summary>Whether a call fits its window, and if not, when the oldest call in the window leaves it.</summary>
internal readonly record struct RateLimitDecision(bool Allowed, int Limit, int Used, TimeSpan Window, TimeSpan RetryAfter)
{
    public int Remaining => Math.Max(0, Limit - Used);

    /// <summary>Whole seconds, rounded up, never 0 when refused (clients sleep at least a second).</summary>
    public int RetryAfterSeconds => Allowed ? 0 : Math.Max(1, (int)Math.Ceiling(RetryAfter.TotalSeconds));
}
