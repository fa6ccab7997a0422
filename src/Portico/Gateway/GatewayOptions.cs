namespace Portico.Gateway;

/// <summary>Bound from <c>Portico:Gateway</c>.</summary>
internal sealed class GatewayOptions
{
    public const string SectionName = "Portico:Gateway";

    /// <summary>How often every upstream is checked.</summary>
    public TimeSpan HealthCheckInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long one check may take before it counts as a failure.</summary>
    public TimeSpan HealthCheckTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long the first check of an upstream may take, until it has answered once: a stdio upstream started with
    /// <c>npx</c> or <c>uvx</c> first downloads its package, and a check cut off at <see cref="HealthCheckTimeout"/> would
    /// reset the connection, kill the starting process and never let it finish.
    /// </summary>
    public TimeSpan FirstConnectTimeout { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>Consecutive failed checks after which an upstream is down and its tools leave the list.</summary>
    public int FailureThreshold { get; set; } = 3;

    /// <summary>Scope an upstream's read-only tools need (tools marked <c>readOnlyHint</c>).</summary>
    public string ReadScope { get; set; } = Access.Scopes.Read("vendors");

    /// <summary>Scope an upstream's other tools need.</summary>
    public string WriteScope { get; set; } = Access.Scopes.Write("vendors");

    /// <summary>A pooled upstream session (for stdio: its process) unused this long is closed; the next call opens a new one.</summary>
    public TimeSpan ConnectionIdleTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Sessions one upstream may have open (one per stored credential; callers without one share a single session).</summary>
    public int MaxConnectionsPerUpstream { get; set; } = 100;

    /// <summary>
    /// How long an upstream call of a stateless (2026-07-28) client waits for the client's answers to what the upstream
    /// asked (its retry with <c>inputResponses</c>); then the upstream call is cancelled and audited.
    /// </summary>
    public TimeSpan InputRoundTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Whether (and which) stdio upstreams the network admin API may add; off by default.</summary>
    public AdminApiStdioOptions AdminApiStdio { get; set; } = new();
}
