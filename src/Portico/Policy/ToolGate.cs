using Portico.Access;
using Portico.Catalog;

namespace Portico.Policy;

/// <summary>
/// The scope and tier gates, in one place, so <c>tools/list</c> never shows a tool that
/// <c>tools/call</c> would refuse for the same caller and tenant.
/// </summary>
internal static class ToolGate
{
    public const string ScopeNotAllowed = "SCOPE_NOT_ALLOWED";
    public const string TierRequired = "TIER_REQUIRED";

    /// <summary>Both gates: what <c>tools/list</c> applies.</summary>
    public static (string Code, string Message, string Hint)? Check(ToolDefinition tool, Principal principal, Tier tier)
        => CheckScope(tool, principal) ?? CheckTier(tool, tier);

    /// <summary>Null when the caller's credential grants the tool's scope; otherwise the error.</summary>
    public static (string Code, string Message, string Hint)? CheckScope(ToolDefinition tool, Principal principal)
        => tool.RequiredScope is { } scope && !Scopes.Allows(principal.Scopes, scope)
            ? (ScopeNotAllowed, $"Tool '{tool.Name}' is not allowed for scope '{scope}'",
                $"Use a credential that grants '{scope}' (e.g. portico keys create --scopes {ScopeArea(scope)}).")
            : null;

    /// <summary>Null when the tenant's tier is high enough; otherwise the error.</summary>
    public static (string Code, string Message, string Hint)? CheckTier(ToolDefinition tool, Tier tier)
    {
        if (tool.MinimumTier > tier)
        {
            return (TierRequired, $"Tool '{tool.Name}' requires tier '{Plans.Name(tool.MinimumTier)}' (current: '{Plans.Name(tier)}')",
                "Upgrade the active group's plan, switch to a group on that plan, or use a different tool.");
        }

        return null;
    }

    private static string ScopeArea(string scope) => scope.StartsWith("portico/", StringComparison.Ordinal) ? scope["portico/".Length..] : scope;
}
