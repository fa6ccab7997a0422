namespace Portico.Policy.Audit;

/// <summary>
/// Whose calls a reader may see: everything (an administrator, the operator's CLI), or their own calls plus those of the
/// tenants they manage. A filter never widens this: a search outside it finds nothing, the same as a search for nothing.
/// </summary>
internal sealed record AuditScope(bool All, string? UserId, IReadOnlyList<string> TenantIds)
{
    public static readonly AuditScope Everything = new(true, null, []);

    public static AuditScope Of(string userId, IReadOnlyList<string> managedTenantIds) => new(false, userId, managedTenantIds);
}
