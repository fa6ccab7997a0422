namespace Portico.Access;

/// <summary>Which tenant a call acts on and why — or the error explaining why none could be chosen.</summary>
internal sealed record TenantResolution(TenantMembership? Tenant, string? Source, IReadOnlyList<TenantMembership> Available, string? ErrorCode = null, string? ErrorMessage = null, string? Hint = null)
{
    public const string NoActiveGroup = "NO_ACTIVE_GROUP";
    public const string GroupNotAvailable = "GROUP_NOT_AVAILABLE";
    public const string TenantUnresolved = "TENANT_UNRESOLVED";

    public bool Succeeded => Tenant is not null;

    /// <summary>The tier the call runs at; without a tenant, the lowest.</summary>
    public Tier Tier => Tenant?.Tier ?? Tier.Basic;
}
