namespace Portico.Policy;

/// <summary>Bound from <c>Portico:Policy</c>.</summary>
internal sealed class PolicyOptions
{
    public const string SectionName = "Portico:Policy";

    /// <summary>How long a tool may run before the call fails with <c>TIMEOUT</c>.</summary>
    public TimeSpan ToolTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Per-tool timeouts by tool name, overriding <see cref="ToolTimeout"/>.</summary>
    public Dictionary<string, TimeSpan> ToolTimeouts { get; set; } = new(StringComparer.Ordinal);

    /// <summary>How long the client has to answer an input-required result (the sealed <c>requestState</c> expires then).</summary>
    public TimeSpan InputStateLifetime { get; set; } = TimeSpan.FromMinutes(15);
}
