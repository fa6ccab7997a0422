namespace Portico.Access;

/// <summary>An API key. The secret is never stored: only its SHA-256, compared in constant time.</summary>
internal sealed class ApiKeyRecord
{
    /// <summary>The public part of the key (<c>ptk_live_&lt;id&gt;_…</c>), used to look it up.</summary>
    public required string Id { get; set; }

    public required string UserId { get; set; }

    public required string Name { get; set; }

    /// <summary><c>live</c> or <c>test</c>.</summary>
    public required string Environment { get; set; }

    public required byte[] SecretHash { get; set; }

    /// <summary>Space-separated scope strings.</summary>
    public required string Scopes { get; set; }

    public string? TenantId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? ExpiresAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }

    public DateTimeOffset? LastUsedAt { get; set; }

    public long UseCount { get; set; }
}
