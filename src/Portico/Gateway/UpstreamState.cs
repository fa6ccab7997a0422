using Portico.Catalog;
using Portico.Policy;

namespace Portico.Gateway;

/// <summary>What the gateway knows about one upstream now: its health and its tools. Guarded by <see cref="GatewayToolSource"/>.</summary>
internal sealed class UpstreamState(UpstreamDefinition definition)
{
    public UpstreamDefinition Definition { get; set; } = definition;

    public int ConsecutiveFailures { get; set; }

    public DateTimeOffset? LastCheckedAt { get; set; }

    public DateTimeOffset? LastSuccessAt { get; set; }

    public string? LastError { get; set; }

    public long? LatencyMs { get; set; }

    /// <summary>The upstream's tools as the catalog serves them; null until first listed.</summary>
    public IReadOnlyList<ToolDefinition>? Tools { get; set; }

    /// <summary>The upstream's prompts, resources and resource templates as the catalog serves them (namespaced).</summary>
    public IReadOnlyList<PromptDefinition> Prompts { get; set; } = [];

    public IReadOnlyList<ModelContextProtocol.Protocol.Resource> Resources { get; set; } = [];

    public IReadOnlyList<ModelContextProtocol.Protocol.ResourceTemplate> Templates { get; set; } = [];

    /// <summary>Tools that cannot be offered whatever the health (e.g. a schema Portico cannot validate).</summary>
    public IReadOnlyList<UnavailableTool> Refused { get; set; } = [];

    /// <summary>The tool list must be fetched again (first contact, after an outage, or the upstream said it changed).</summary>
    public bool ToolsStale { get; set; } = true;

    public string Status(int threshold)
        => LastSuccessAt is null || ConsecutiveFailures >= threshold ? "down"
            : ConsecutiveFailures > 0 ? "degraded"
            : "up";
}
