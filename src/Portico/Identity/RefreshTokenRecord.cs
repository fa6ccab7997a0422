namespace Portico.Identity;

/// <summary>A refresh token, looked up by its SHA-256. Rotated on every use; a rotated token presented again revokes its grant.</summary>
internal sealed class RefreshTokenRecord
{
    /// <summary>Hex SHA-256 of the token.</summary>
    public required string Id { get; set; }

    public required string GrantId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }

    public DateTimeOffset? RotatedAt { get; set; }
}
