namespace Portico.Identity;

/// <summary>What a user (or a confidential client, for itself) allowed one client: the family every code, refresh token and access token of one sign-in belongs to, so revoking it revokes them all.</summary>
internal sealed class OAuthGrantRecord
{
    public required string Id { get; set; }

    public required string ClientId { get; set; }

    /// <summary>Null for <c>client_credentials</c>.</summary>
    public string? UserId { get; set; }

    /// <summary>Space-separated.</summary>
    public required string Scopes { get; set; }

    /// <summary>The MCP resource URL the tokens are bound to (RFC 8707).</summary>
    public required string Resource { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }
}
