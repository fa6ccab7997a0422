namespace Portico.Access;

/// <summary>A tenant a user belongs to, as the session context and the gates see it.</summary>
internal sealed record TenantMembership(string TenantId, string Name, string PlanKey, string Role)
{
    public Tier Tier => Plans.TierOf(PlanKey);
}
