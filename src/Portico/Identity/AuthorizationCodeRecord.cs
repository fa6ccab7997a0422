namespace Portico.Identity;

/// <summary>An authorization code, looked up by its SHA-256 (the code itself is never stored).</summary>
internal sealed class AuthorizationCodeRecord
{
    /// <summary>Hex SHA-256 of the code.</summary>
    public required string Id { get; set; }

    public required string ClientId { get; set; }

    public required string UserId { get; set; }

    /// <summary>Exactly as sent to the authorization endpoint.</summary>
    public required string RedirectUri { get; set; }

    public required string Scopes { get; set; }

    public required string Resource { get; set; }

    /// <summary>S256 only.</summary>
    public required string CodeChallenge { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }

    public DateTimeOffset? UsedAt { get; set; }

    /// <summary>The grant the code was exchanged for: revoked if the code is replayed.</summary>
    public string? GrantId { get; set; }
}
