namespace Portico.Mcp;

/// <summary>A persisted MCP session: enough to restore it on any instance after a restart.</summary>
internal sealed class SessionRecord
{
    public required string Id { get; set; }

    public required string ProtocolVersion { get; set; }

    /// <summary>The client's <c>initialize</c> params as JSON (client info and capabilities).</summary>
    public required string InitializeParams { get; set; }

    public string? ClientName { get; set; }

    public string? ClientVersion { get; set; }

    /// <summary>Who owns the session; another principal is refused.</summary>
    public required string OwnerId { get; set; }

    /// <summary>The group the client chose with <c>set-active-group</c>.</summary>
    public string? ActiveTenantId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset LastSeenAt { get; set; }

    public DateTimeOffset? ClosedAt { get; set; }
}
