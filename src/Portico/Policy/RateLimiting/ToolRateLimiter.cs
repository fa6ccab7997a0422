using Microsoft.Extensions.Options;
using Portico.Access;
using Portico.Catalog;
using Portico.Storage;

namespace Portico.Policy.RateLimiting;

/// <summary>
/// Per (user, tool) limit of write tools: a 60-second sliding window of
/// <see cref="RateLimitOptions.WriteCallsPerMinute"/> × the tenant tier's multiplier. Read tools are
/// never limited, and each tool has its own budget.
/// </summary>
internal sealed class ToolRateLimiter(IRateLimitStore store, IOptionsMonitor<RateLimitOptions> options, TimeProvider time)
{
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(60);

    /// <summary>Null when the tool is not limited; otherwise the decision (the call is counted when allowed).</summary>
    public async ValueTask<RateLimitDecision?> TryAcquireAsync(ToolDefinition tool, Principal principal, Tier tier, CancellationToken cancellationToken)
        => tool.Write ? await store.TryAcquireAsync(Key(tool, principal), LimitFor(tier), Window, time.GetUtcNow(), cancellationToken) : null;

    /// <summary>The budget left, without spending any; null when the tool is not limited.</summary>
    public async ValueTask<RateLimitDecision?> PeekAsync(ToolDefinition tool, Principal principal, Tier tier, CancellationToken cancellationToken)
        => tool.Write ? await store.PeekAsync(Key(tool, principal), LimitFor(tier), Window, time.GetUtcNow(), cancellationToken) : null;

    public int LimitFor(Tier tier)
    {
        var settings = options.CurrentValue;
        var multiplier = settings.TierMultipliers.TryGetValue(Plans.Name(tier), out var m) ? m : 1;
        return Math.Max(1, settings.WriteCallsPerMinute * multiplier);
    }

    private static string Key(ToolDefinition tool, Principal principal) => $"tool:{principal.Id}:{tool.Name}";
}
