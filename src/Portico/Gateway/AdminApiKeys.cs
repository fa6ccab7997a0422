using Microsoft.AspNetCore.Http.HttpResults;
using Portico.Access;
using Portico.Identity;

namespace Portico.Gateway;

/// <summary>
/// The admin API is outside the MCP paths, so it authenticates here, with the same credentials: API keys
/// (<c>Authorization: Bearer ptk_…</c>) and OAuth access tokens issued by this server for one of its MCP
/// resources, so one sign-in of a Portico administrator (granted <c>portico/admin</c>) also works here.
/// The principal is left in the request's features.
/// </summary>
internal static class AdminApiKeys
{
    /// <summary>The caller, or the refusal (401) to send back.</summary>
    public static async Task<(Principal? Principal, IResult? Refusal)> AuthenticateAsync(HttpContext http)
    {
        var credential = BearerCredential.From(http.Request);
        if (BearerCredential.IsAccessToken(credential))
        {
            return await AuthenticateTokenAsync(http, credential);
        }

        if (credential.Length == 0 || !ApiKeyFormat.LooksLikeKey(credential))
        {
            http.Response.Headers.WWWAuthenticate = BearerChallenge.Format(null);
            return (null, Refused(StatusCodes.Status401Unauthorized, "Authentication required.",
                "Send 'Authorization: Bearer <API key>' with a key created by 'portico keys create', or an OAuth access token issued by this server."));
        }

        var result = await http.RequestServices.GetRequiredService<AccessDirectory>().AuthenticateApiKeyAsync(credential, http.RequestAborted);
        if (result.Principal is null)
        {
            return (null, InvalidToken(http, result.Error!, result.Hint!));
        }

        http.Features.Set(result.Principal);
        return (result.Principal, null);
    }

    /// <summary>The same checks as on the MCP paths (signature, issuer, lifetime, revocation); the audience may be any MCP resource of this server.</summary>
    private static async Task<(Principal? Principal, IResult? Refusal)> AuthenticateTokenAsync(HttpContext http, string token)
    {
        var urls = http.RequestServices.GetRequiredService<IdentityUrls>();
        var check = await http.RequestServices.GetRequiredService<AccessTokens>().CheckAsync(token, urls.Issuer(http.Request), null, http.RequestAborted);
        if (check.Principal is null)
        {
            return (null, InvalidToken(http, check.Error!, "Refresh the access token, or sign in again."));
        }

        if (!urls.IsOwnResource(http.Request, check.Audience))
        {
            return (null, InvalidToken(http, $"The access token is for '{check.Audience}', not for this server.",
                $"Request a token with resource={urls.DefaultResource(http.Request)}."));
        }

        http.Features.Set(check.Principal);
        return (check.Principal, null);
    }

    private static JsonHttpResult<GatewayError> InvalidToken(HttpContext http, string message, string hint)
    {
        http.Response.Headers.WWWAuthenticate = BearerChallenge.Format(null, "invalid_token", message);
        return Refused(StatusCodes.Status401Unauthorized, message, hint);
    }

    /// <summary>An endpoint filter: any valid API key or access token (what it may do is the endpoint's to decide).</summary>
    public static async ValueTask<object?> RequireKeyAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var (_, refusal) = await AuthenticateAsync(context.HttpContext);
        return refusal ?? await next(context);
    }

    /// <summary>An endpoint filter: only a credential holding <c>portico/admin</c> may change what every user's endpoint serves.</summary>
    public static async ValueTask<object?> RequireAdminAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var (principal, refusal) = await AuthenticateAsync(http);
        if (refusal is not null)
        {
            return refusal;
        }

        if (!principal!.Scopes.Contains(Scopes.Admin))
        {
            http.Response.Headers.WWWAuthenticate = BearerChallenge.Format(null, "insufficient_scope", $"This credential lacks the scope {Scopes.Admin}.", Scopes.Admin);
            return principal.Kind == Principal.OAuthKind
                ? Refused(StatusCodes.Status403Forbidden, $"This access token lacks the scope {Scopes.Admin}.",
                    $"Only Portico administrators are granted {Scopes.Admin}: an operator runs 'portico users admin-grant --email …', then sign in again asking for {Scopes.Admin}.")
                : Refused(StatusCodes.Status403Forbidden, $"This key lacks the scope {Scopes.Admin}.", "Create an admin key with 'portico keys create --scopes admin'.");
        }

        return await next(context);
    }

    public static JsonHttpResult<GatewayError> Refused(int status, string message, string hint)
        => TypedResults.Json(new GatewayError(message, hint), GatewayJsonContext.Default.GatewayError, statusCode: status);
}
