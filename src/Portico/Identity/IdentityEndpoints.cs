using Portico.Access;

namespace Portico.Identity;

internal static class IdentityEndpoints
{
    /// <summary>The authorization server. Every answer under <c>/oauth</c> and <c>/.well-known</c> is JSON except the browser pages (sign-in, consent, device, sign-out).</summary>
    public static IEndpointRouteBuilder MapPorticoIdentity(this IEndpointRouteBuilder app)
    {
        var wellKnown = app.MapGroup("/.well-known").AddEndpointFilter(OAuthErrorFilter).AllowAnonymousListed();
        wellKnown.MapGet("/oauth-protected-resource", (HttpContext c, IdentityUrls u) => DiscoveryEndpoints.ProtectedResourceAsync(c, u, null));
        wellKnown.MapGet("/oauth-protected-resource/{**path}", (HttpContext c, IdentityUrls u, string? path) => DiscoveryEndpoints.ProtectedResourceAsync(c, u, path));
        wellKnown.MapGet("/oauth-authorization-server", DiscoveryEndpoints.AuthorizationServerAsync);
        wellKnown.MapGet("/openid-configuration", DiscoveryEndpoints.AuthorizationServerAsync);

        // OAuth endpoints authenticate their clients themselves (RFC 6749 §2.3), so none of them takes a bearer credential.
        var oauth = app.MapGroup("/oauth").AddEndpointFilter(OAuthErrorFilter).DisableAntiforgery().AllowAnonymousListed();
        oauth.MapGet("/jwks", DiscoveryEndpoints.JwksAsync);
        oauth.MapPost("/register", ClientRegistrationEndpoint.HandleAsync);
        oauth.MapGet(AuthorizeEndpoint.Path["/oauth".Length..], AuthorizeEndpoint.GetAsync);
        oauth.MapPost(AuthorizeEndpoint.Path["/oauth".Length..], AuthorizeEndpoint.PostAsync);
        oauth.MapPost(DeviceFlow.AuthorizationPath["/oauth".Length..], DeviceAuthorizationEndpoint.HandleAsync);
        oauth.MapGet(DeviceFlow.VerificationPath["/oauth".Length..], DevicePage.GetAsync);
        oauth.MapPost(DeviceFlow.VerificationPath["/oauth".Length..], DevicePage.PostAsync);
        oauth.MapGet(LoginPage.Path["/oauth".Length..], LoginPage.GetAsync);
        oauth.MapPost(LoginPage.Path["/oauth".Length..], LoginPage.PostAsync);
        oauth.MapPost(LoginPage.LogoutPath["/oauth".Length..], LoginPage.LogoutAsync);
        oauth.MapPost("/token", TokenEndpoint.HandleAsync);
        oauth.MapPost("/revoke", RevocationEndpoint.HandleAsync);
        oauth.MapPost("/introspect", IntrospectionEndpoint.HandleAsync);

        // The one endpoint under /oauth that takes a bearer credential: it answers who the credential acts for.
        app.MapGet(UserinfoEndpoint.Path, UserinfoEndpoint.HandleAsync).RequireAuthorization(AccessPolicies.Caller);
        return app;
    }

    /// <summary>
    /// Turns an <see cref="OAuthException"/> thrown anywhere in a handler into the RFC 6749 JSON error. A request whose Host
    /// does not name this server is refused before the handler runs (<see cref="IdentityUrls.Issuer"/>), so nothing is
    /// consumed (a refresh token, a code) by a request that could not be answered.
    /// </summary>
    private static async ValueTask<object?> OAuthErrorFilter(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            context.HttpContext.RequestServices.GetRequiredService<IdentityUrls>().Issuer(context.HttpContext.Request);
            return await next(context);
        }
        catch (OAuthException ex) when (!context.HttpContext.Response.HasStarted)
        {
            await OAuthJson.WriteErrorAsync(context.HttpContext, ex);
            return Results.Empty;
        }
    }
}
