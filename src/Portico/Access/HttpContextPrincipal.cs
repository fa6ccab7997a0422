namespace Portico.Access;

/// <summary>The caller of a request, as its endpoint's authorization policy established it.</summary>
internal static class HttpContextPrincipal
{
    /// <summary>The authenticated principal, or null when the endpoint's policy authenticated nobody (an anonymous endpoint).</summary>
    public static Principal? FindPrincipal(this HttpContext context)
        => context.User.Identities.OfType<PrincipalIdentity>().FirstOrDefault()?.Principal;

    /// <summary>
    /// The authenticated principal. There is no fallback: code that needs a caller and finds none refuses to run
    /// (a missing policy on an endpoint is a bug to surface, never an anonymous full-scope caller).
    /// </summary>
    public static Principal GetPrincipal(this HttpContext context)
        => context.FindPrincipal() ?? throw new InvalidOperationException(
            $"No authenticated principal on '{context.GetEndpoint()?.DisplayName}': its endpoint must require an access policy (see Access/AccessPolicies).");
}
