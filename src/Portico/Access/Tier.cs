namespace Portico.Access;

/// <summary>What a tenant's plan unlocks. Ordered: a higher tier includes the lower ones.</summary>
internal enum Tier
{
    Basic = 0,
    Pro = 1,
    ProPlus = 2,
}
