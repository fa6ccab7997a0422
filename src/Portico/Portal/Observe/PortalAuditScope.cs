using Portico.Policy.Audit;

namespace Portico.Portal.Observe;

/// <summary>Whose calls the viewer may see: an administrator everything, anyone else their own plus those of the tenants they own or administer.</summary>
internal static class PortalAuditScope
{
    public static async ValueTask<AuditScope> OfAsync(PortalViewer viewer, CancellationToken cancellationToken)
    {
        if (viewer.IsAdmin)
        {
            return AuditScope.Everything;
        }

        var managed = (await viewer.TenantsAsync(cancellationToken)).Where(t => t.Role is "owner" or "admin").Select(t => t.TenantId).ToList();
        return AuditScope.Of(viewer.UserId, managed);
    }

    /// <summary>In words, above the charts and the search, so nobody takes "no calls" for "no calls anywhere".</summary>
    public static string Describe(AuditScope scope)
        => scope.All ? "All calls on this server (you are an administrator)."
            : scope.TenantIds.Count > 0 ? "Your own calls and the calls in the tenants you own or administer."
            : "Your own calls.";
}
