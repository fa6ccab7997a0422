using Microsoft.AspNetCore.Authorization;

namespace Portico.Access;

/// <summary>An authenticated Portico principal (API key, access token, or the development loopback caller).</summary>
internal sealed class CallerRequirement : IAuthorizationRequirement;

/// <summary>The credential holds <see cref="Scope"/> (a write scope includes its read; <c>portico/admin</c> includes every area).</summary>
internal sealed record ScopeRequirement(string Scope) : IAuthorizationRequirement;

/// <summary>The caller has one of <see cref="Roles"/> in the tenant named by the route value, and its credential is not bound to another tenant.</summary>
internal sealed record TenantRoleRequirement(string RouteValue, string[] Roles) : IAuthorizationRequirement;

/// <summary>The fallback: an endpoint that declares no policy is refused to everyone, so forgetting one fails closed.</summary>
internal sealed class NoPolicyRequirement : IAuthorizationRequirement;

/// <summary>Why a requirement failed, in the words the refusal carries (message, hint, and the scope to ask for).</summary>
internal sealed class AccessRefusal(IAuthorizationHandler handler, string message, string hint, string? scope = null) : AuthorizationFailureReason(handler, message)
{
    public string Hint { get; } = hint;

    public string? Scope { get; } = scope;
}
