using Microsoft.AspNetCore.Authorization;

namespace Portico.Access;

/// <summary>Decides the requirements of <see cref="AccessPolicies"/>; each failure says why and what to do.</summary>
internal sealed class AccessRequirementsHandler(AccessDirectory directory) : IAuthorizationHandler
{
    public async Task HandleAsync(AuthorizationHandlerContext context)
    {
        // No principal: nothing succeeds, and the policy evaluator answers with the scheme's 401 challenge.
        if (context.User.Identities.OfType<PrincipalIdentity>().FirstOrDefault()?.Principal is not { } principal)
        {
            return;
        }

        foreach (var requirement in context.PendingRequirements.ToList())
        {
            var refusal = requirement switch
            {
                CallerRequirement => null,
                ScopeRequirement scope => CheckScope(principal, scope.Scope),
                TenantRoleRequirement role => await CheckTenantRoleAsync(principal, role, context.Resource as HttpContext),
                NoPolicyRequirement => new AccessRefusal(this, "This endpoint declares no access policy, so it is refused to everyone.",
                    "This is a server bug: report the path and the request id."),
                _ => null,
            };
            if (refusal is not null)
            {
                context.Fail(refusal);
                return;
            }

            if (requirement is CallerRequirement or ScopeRequirement or TenantRoleRequirement)
            {
                context.Succeed(requirement);
            }
        }
    }

    private AccessRefusal? CheckScope(Principal principal, string scope)
    {
        if (principal.Scopes.Contains(Scopes.Admin) || Scopes.Allows(principal.Scopes, scope))
        {
            return null;
        }

        if (principal.Kind == Principal.BrowserKind)
        {
            return new AccessRefusal(this, "Only Portico administrators may open this page.",
                "Ask an administrator for what you need, or to make you one ('portico users admin-grant --email …').");
        }

        var credential = principal.Kind == Principal.OAuthKind ? "access token" : "key";
        var hint = (principal.Kind, scope) switch
        {
            (Principal.OAuthKind, Scopes.Admin) => $"Only Portico administrators are granted {Scopes.Admin}: an operator runs 'portico users admin-grant --email …', then sign in again asking for {Scopes.Admin}.",
            (Principal.OAuthKind, _) => $"Sign in again asking for the scope {scope}.",
            (_, Scopes.Admin) => "Create an admin key with 'portico keys create --scopes admin'.",
            _ => $"Create a key with 'portico keys create --scopes {scope["portico/".Length..]}'.",
        };
        return new AccessRefusal(this, $"This {credential} lacks the scope {scope}.", hint, scope);
    }

    private async Task<AccessRefusal?> CheckTenantRoleAsync(Principal principal, TenantRoleRequirement requirement, HttpContext? http)
    {
        if (http?.Request.RouteValues[requirement.RouteValue] is not string tenantId)
        {
            return new AccessRefusal(this, "This endpoint names no tenant.", "This is a server bug: report the path and the request id.");
        }

        if (principal.BoundTenantId is { } bound && bound != tenantId)
        {
            return new AccessRefusal(this, $"This key is bound to tenant '{bound}', not '{tenantId}'.", "Use a key of that tenant, or one not bound to a tenant.");
        }

        if (principal.Scopes.Contains(Scopes.Admin))
        {
            return null;
        }

        var memberships = await directory.GetMembershipsAsync(principal.Id, http.RequestAborted);
        return memberships.FirstOrDefault(m => m.TenantId == tenantId) is { } membership && requirement.Roles.Contains(membership.Role)
            ? null
            : principal.Kind == Principal.BrowserKind
                ? new AccessRefusal(this, requirement.Roles.Length == AccessAdmin.Roles.Length
                        ? $"You are not a member of tenant '{tenantId}'."
                        : $"Only an {string.Join(" or ", requirement.Roles)} of tenant '{tenantId}' may open this page.",
                    "Ask an owner of that tenant to add you (or to give you the role), or open one of your own tenants from the menu.")
                : new AccessRefusal(this, $"Only an {string.Join(" or ", requirement.Roles)} of tenant '{tenantId}' may manage this.",
                    "Ask an owner or admin of the tenant, or an operator (the CLI's commands take --tenant: 'portico upstreams …', 'portico integrations …').");
    }
}
