using Portico.Access;

namespace Portico.Portal;

/// <summary>
/// Who is looking at a portal page: the principal the browser scheme proved, and their tenants with roles (from the same
/// cached directory every request uses). What a page shows is narrowed by this; what a page or action allows is decided
/// by the endpoint's policy and by the service the action calls, never by what the page chose to show.
/// </summary>
internal sealed class PortalViewer(IHttpContextAccessor accessor, AccessDirectory directory)
{
    private IReadOnlyList<TenantMembership>? _tenants;

    public Principal Principal => accessor.HttpContext?.User.Identities.OfType<PrincipalIdentity>().FirstOrDefault()?.Principal
        ?? throw new InvalidOperationException("A portal page was rendered without a signed-in browser: its endpoint must require the portal policy.");

    public string UserId => Principal.Id;

    public string Email => Principal.Email ?? Principal.Id;

    public bool IsAdmin => Principal.Scopes.Contains(Scopes.Admin);

    public async ValueTask<IReadOnlyList<TenantMembership>> TenantsAsync(CancellationToken cancellationToken)
        => _tenants ??= await directory.GetMembershipsAsync(UserId, cancellationToken);

    /// <summary>An owner or admin of the tenant, or a Portico administrator.</summary>
    public async ValueTask<bool> ManagesAsync(string tenantId, CancellationToken cancellationToken)
        => IsAdmin || (await TenantsAsync(cancellationToken)).Any(t => t.TenantId == tenantId && t.Role is "owner" or "admin");

    /// <summary>A member of the tenant in any role, or a Portico administrator.</summary>
    public async ValueTask<bool> SeesAsync(string tenantId, CancellationToken cancellationToken)
        => IsAdmin || (await TenantsAsync(cancellationToken)).Any(t => t.TenantId == tenantId);
}
