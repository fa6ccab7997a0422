namespace Portico.Gateway;

/// <summary>
/// One stored upstream secret: a user's own (<c>owner_kind = user</c>) or a tenant's
/// (<c>owner_kind = tenant</c>). The secret is Data Protection ciphertext bound to this row's
/// upstream and owner, so it cannot be read in place of another row's.
/// </summary>
internal sealed class UpstreamCredentialRecord
{
    public required string Upstream { get; set; }

    /// <summary><see cref="UpstreamDefinition.CredentialsUser"/> or <see cref="UpstreamDefinition.CredentialsTenant"/>.</summary>
    public required string OwnerKind { get; set; }

    /// <summary>The user id or the tenant id.</summary>
    public required string OwnerId { get; set; }

    public required byte[] Secret { get; set; }

    /// <summary>New at every set: pooled upstream sessions are keyed by it, so a replaced secret never rides an old session.</summary>
    public required string Stamp { get; set; }

    /// <summary>The user who stored it, or <c>cli</c>.</summary>
    public string? UpdatedBy { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>When the upstream refused it (HTTP 401); cleared by storing it again.</summary>
    public DateTimeOffset? InvalidAt { get; set; }

    public string? InvalidReason { get; set; }
}
