namespace Portico.Gateway;

/// <summary>Bound from <c>Portico:Gateway</c>.</summary>
internal sealed class GatewayOptions
{
    public const string SectionName = "Portico:Gateway";

    /// <summary>How often every upstream is checked.</summary>
    public TimeSpan HealthCheckInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long one check may take before it counts as a failure.</summary>
    public TimeSpan HealthCheckTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Consecutive failed checks after which an upstream is down and its tools leave the list.</summary>
    public int FailureThreshold { get; set; } = 3;

    /// <summary>Scope an upstream's read-only tools need (tools marked <c>readOnlyHint</c>).</summary>
    public string ReadScope { get; set; } = Access.Scopes.Read("vendors");

    /// <summary>Scope an upstream's other tools need.</summary>
    public string WriteScope { get; set; } = Access.Scopes.Write("vendors");

    /// <summary>Whether (and which) stdio upstreams the network admin API may add; off by default.</summary>
    public AdminApiStdioOptions AdminApiStdio { get; set; } = new();
}
