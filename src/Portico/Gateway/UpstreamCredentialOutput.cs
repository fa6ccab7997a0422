namespace Portico.Gateway;

/// <summary>A stored credential as the admin API and the CLI show it: whose, since when, whether the upstream still takes it — never the secret.</summary>
internal sealed record UpstreamCredentialOutput(
    string Upstream,
    string OwnerKind,
    string OwnerId,
    bool Valid,
    DateTimeOffset UpdatedAt,
    string? UpdatedBy,
    DateTimeOffset? InvalidAt,
    string? InvalidReason)
{
    public static UpstreamCredentialOutput From(UpstreamCredentialRecord r)
        => new(r.Upstream, r.OwnerKind, r.OwnerId, r.InvalidAt is null, r.UpdatedAt, r.UpdatedBy, r.InvalidAt, r.InvalidReason);
}
