namespace Portico.Access;

/// <summary>Plan keys as billing systems spell them, mapped to tiers.</summary>
internal static class Plans
{
    public static readonly string[] Known = ["general_shared", "free", "basic", "pro", "pro_plus"];

    public static bool TryGetTier(string planKey, out Tier tier)
    {
        switch (planKey)
        {
            case "general_shared" or "free" or "basic":
                tier = Tier.Basic;
                return true;
            case "pro":
                tier = Tier.Pro;
                return true;
            case "pro_plus":
                tier = Tier.ProPlus;
                return true;
            default:
                tier = Tier.Basic;
                return false;
        }
    }

    /// <summary>A stored plan key that is no longer known counts as the lowest tier rather than failing requests.</summary>
    public static Tier TierOf(string planKey) => TryGetTier(planKey, out var tier) ? tier : Tier.Basic;

    public static string Name(Tier tier) => tier switch
    {
        Tier.ProPlus => "pro_plus",
        Tier.Pro => "pro",
        _ => "basic",
    };
}
