namespace Portico.Access;

/// <summary>A key as the validator caches it: enough to authenticate without the store.</summary>
internal sealed record ApiKeyEntry(
    string Id,
    string UserId,
    string Email,
    string Environment,
    byte[] SecretHash,
    IReadOnlySet<string> Scopes,
    string? TenantId,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? RevokedAt);
