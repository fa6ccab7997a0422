namespace Portico.Integrations;

/// <summary>A connected account as people and <c>list_connected_accounts</c> see it — never its tokens.</summary>
internal sealed record TenantAccount(
    string AccountId,
    string Integration,
    string Label,
    string? Subject,
    DateTimeOffset ConnectedAt,
    string? ConnectedBy,
    bool Valid,
    string? InvalidReason)
{
    public static TenantAccount Of(TenantAccountRecord r)
        => new(r.Id, r.Integration, r.Label, r.Subject, r.ConnectedAt, r.ConnectedBy, r.InvalidAt is null, r.InvalidReason);
}
