using Microsoft.AspNetCore.Http.HttpResults;
using Portico.Access;

namespace Portico.Gateway;

/// <summary>
/// The admin API is outside the MCP paths, so it authenticates here, with the same API keys
/// (<c>Authorization: Bearer ptk_…</c>). The principal is left in the request's features.
/// </summary>
internal static class AdminApiKeys
{
    /// <summary>The caller, or the refusal (401) to send back.</summary>
    public static async Task<(Principal? Principal, IResult? Refusal)> AuthenticateAsync(HttpContext http)
    {
        var header = http.Request.Headers.Authorization.ToString().Trim();
        var key = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : header;
        if (key.Length == 0 || !ApiKeyFormat.LooksLikeKey(key))
        {
            http.Response.Headers.WWWAuthenticate = "Bearer";
            return (null, Refused(StatusCodes.Status401Unauthorized, "Authentication required.",
                "Send 'Authorization: Bearer <API key>' with a key created by 'portico keys create'."));
        }

        var result = await http.RequestServices.GetRequiredService<AccessDirectory>().AuthenticateApiKeyAsync(key, http.RequestAborted);
        if (result.Principal is null)
        {
            http.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
            return (null, Refused(StatusCodes.Status401Unauthorized, result.Error!, result.Hint!));
        }

        http.Features.Set(result.Principal);
        return (result.Principal, null);
    }

    /// <summary>An endpoint filter: any valid API key (what it may do is the endpoint's to decide).</summary>
    public static async ValueTask<object?> RequireKeyAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var (_, refusal) = await AuthenticateAsync(context.HttpContext);
        return refusal ?? await next(context);
    }

    /// <summary>An endpoint filter: only a key holding <c>portico/admin</c> may change what every user's endpoint serves.</summary>
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
            http.Response.Headers.WWWAuthenticate = $"Bearer error=\"insufficient_scope\", scope=\"{Scopes.Admin}\"";
            return Refused(StatusCodes.Status403Forbidden, $"This key lacks the scope {Scopes.Admin}.", "Create an admin key with 'portico keys create --scopes admin'.");
        }

        return await next(context);
    }

    public static JsonHttpResult<GatewayError> Refused(int status, string message, string hint)
        => TypedResults.Json(new GatewayError(message, hint), GatewayJsonContext.Default.GatewayError, statusCode: status);
}
