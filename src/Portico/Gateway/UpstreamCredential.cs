namespace Portico.Gateway;

/// <summary>A stored upstream secret, decrypted, with what the gateway needs to key sessions by it and to refuse it once invalid.</summary>
internal sealed record UpstreamCredential(
    string Upstream,
    string OwnerKind,
    string OwnerId,
    string Secret,
    string Stamp,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? InvalidAt,
    string? InvalidReason)
{
    /// <summary>Never the secret: records print every property by default, and these end up in logs and assertions.</summary>
    public override string ToString() => $"{OwnerKind} credential of {OwnerId} for upstream {Upstream} ({Stamp})";
}
