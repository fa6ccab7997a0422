namespace Portico.Access;

/// <summary>
/// Chooses the tenant of a call, in priority order: the call's <c>tenantId</c> argument, the tenant
/// in the URL (<c>/{tenantId}/mcp</c>), the session's active group, the key's bound tenant, the
/// user's only tenant. A key bound to a tenant reaches that tenant only.
/// </summary>
internal sealed class TenantResolver(AccessDirectory directory)
{
    public async ValueTask<IReadOnlyList<TenantMembership>> AvailableAsync(Principal principal, CancellationToken cancellationToken)
    {
        if (principal.IsAnonymous)
        {
            return [];
        }

        var memberships = await directory.GetMembershipsAsync(principal.Id, cancellationToken);
        return principal.BoundTenantId is { } bound ? [.. memberships.Where(m => m.TenantId == bound)] : memberships;
    }

    public async ValueTask<TenantResolution> ResolveAsync(Principal principal, string? argumentTenantId, string? urlTenantId, string? activeTenantId, CancellationToken cancellationToken)
    {
        var available = await AvailableAsync(principal, cancellationToken);
        var (candidate, source) =
            argumentTenantId is not null ? (argumentTenantId, "argument") :
            urlTenantId is not null ? (urlTenantId, "url") :
            activeTenantId is not null ? (activeTenantId, "active-group") :
            principal.BoundTenantId is not null ? (principal.BoundTenantId, "key") :
            ((string?)null, (string?)null);

        if (candidate is not null)
        {
            var match = available.FirstOrDefault(m => m.TenantId == candidate);
            return match is not null
                ? new TenantResolution(match, source, available)
                : NotAvailable(candidate, available);
        }

        if (available.Count == 1)
        {
            return new TenantResolution(available[0], "only-tenant", available);
        }

        return available.Count > 1
            ? new TenantResolution(null, null, available, TenantResolution.NoActiveGroup,
                "No active group set. Call set-active-group first.",
                "Call get-session-context to list your groups, then set-active-group with one groupId (or pass tenantId to this call).")
            : new TenantResolution(null, null, available, TenantResolution.TenantUnresolved,
                "No tenant could be resolved",
                "Pass a tenantId argument, connect to /{tenantId}/mcp, call set-active-group, use a key bound to a tenant, or ask an admin to add you to a tenant (portico members add).");
    }

    public static TenantResolution NotAvailable(string tenantId, IReadOnlyList<TenantMembership> available)
        => new(null, null, available, TenantResolution.GroupNotAvailable,
            $"Group '{tenantId}' is not available for this user.",
            "Re-check get-session-context.groups[].groupId and pass an exact match.");
}
