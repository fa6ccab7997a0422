namespace Portico.Toolsets;

/// <summary>
/// Which toolsets a manager may see and change: the operator's admin API and CLI every one; in the portal, an operator the
/// global ones and a tenant's owners and admins that tenant's. A toolset outside the scope is "not found", never "forbidden".
/// </summary>
internal sealed record ToolsetScope(bool Any, string? TenantId)
{
    public static readonly ToolsetScope Operator = new(true, null);

    public static readonly ToolsetScope Global = new(false, null);

    public static ToolsetScope Tenant(string tenantId) => new(false, tenantId);

    public bool Covers(ToolsetRecord record) => Any || record.TenantId == TenantId;
}
