namespace Portico.Policy.RateLimiting;

/// <summary>Bound from <c>Portico:RateLimits</c>.</summary>
internal sealed class RateLimitOptions
{
    public const string SectionName = "Portico:RateLimits";

    /// <summary>Calls per minute of one write tool by one user, before the tier multiplier.</summary>
    public int WriteCallsPerMinute { get; set; } = 30;

    /// <summary>Multiplier of <see cref="WriteCallsPerMinute"/> per tier (basic, pro, pro_plus).</summary>
    public Dictionary<string, int> TierMultipliers { get; set; } = new(StringComparer.Ordinal)
    {
        ["basic"] = 1,
        ["pro"] = 2,
        ["pro_plus"] = 4,
    };

    /// <summary>
    /// HTTP requests per minute per credential, by plan of the credential's tenant (<c>default</c>
    /// applies otherwise). Empty means no HTTP-level limit: then requests never touch the store for it.
    /// </summary>
    public Dictionary<string, int> RequestsPerMinuteByPlan { get; set; } = new(StringComparer.Ordinal);

    /// <summary>HTTP requests per minute for specific API keys (by key id), overriding the plan's.</summary>
    public Dictionary<string, int> RequestsPerMinuteByKey { get; set; } = new(StringComparer.Ordinal);
}
