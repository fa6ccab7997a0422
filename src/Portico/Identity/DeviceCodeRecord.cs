namespace Portico.Identity;

/// <summary>A device authorization (RFC 8628), looked up by the SHA-256 of its device code or by its user code.</summary>
internal sealed class DeviceCodeRecord
{
    /// <summary>Hex SHA-256 of the device code.</summary>
    public required string Id { get; set; }

    public required string UserCode { get; set; }

    public required string ClientId { get; set; }

    public required string Scopes { get; set; }

    public required string Resource { get; set; }

    /// <summary><c>pending</c>, <c>approved</c>, <c>denied</c> or <c>used</c>.</summary>
    public required string Status { get; set; }

    public string? UserId { get; set; }

    public string? GrantId { get; set; }

    /// <summary>The MCP session that started the flow with the <c>authenticate</c> tool.</summary>
    public string? SessionId { get; set; }

    /// <summary>The MCP client that session says it is (<c>clientInfo</c> name and version), shown on the device page.</summary>
    public string? SessionClientName { get; set; }

    public string? SessionClientVersion { get; set; }

    public int IntervalSeconds { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }

    public DateTimeOffset? LastPolledAt { get; set; }
}
