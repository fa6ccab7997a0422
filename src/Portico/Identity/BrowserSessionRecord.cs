namespace Portico.Identity;

/// <summary>A signed-in browser on the login and consent pages, looked up by the SHA-256 of its cookie.</summary>
internal sealed class BrowserSessionRecord
{
    /// <summary>Hex SHA-256 of the cookie value.</summary>
    public required string Id { get; set; }

    public required string UserId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }
}
