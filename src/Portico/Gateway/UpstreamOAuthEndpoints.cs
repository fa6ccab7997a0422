using System.Net;
using Portico.Access;
using Portico.Identity;

namespace Portico.Gateway;

/// <summary>
/// The browser side of credential mode <c>oauth</c>: <c>GET /gateway/upstreams/{name}/connect?link=…</c>
/// (the link from a <c>CREDENTIALS_MISSING</c> answer) redirects to the upstream's authorization
/// server, and <c>GET /gateway/oauth/callback</c> stores the user's tokens and says they are connected.
/// Both are reached by a browser without Portico credentials: the signed link and the single-use
/// state say whose sign-in it is.
/// </summary>
internal static class UpstreamOAuthEndpoints
{
    public static IEndpointRouteBuilder MapPorticoUpstreamOAuth(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/gateway/upstreams/{name}/connect", ConnectAsync).AllowAnonymousListed();
        endpoints.MapGet(UpstreamOAuthClient.CallbackPath, CallbackAsync).AllowAnonymousListed();
        return endpoints;
    }

    private static async Task<IResult> ConnectAsync(string name, string? link, HttpContext http, UpstreamOAuthLinks links, UpstreamOAuthClient client, IdentityUrls urls)
    {
        var (userId, problem) = links.Read(name, link);
        if (userId is null)
        {
            return GatewayError.Result(StatusCodes.Status400BadRequest, problem!,
                $"Call one of the upstream's tools again (as {name}__<tool>): the answer carries a fresh link made for you.");
        }

        try
        {
            return TypedResults.Redirect(await client.StartAsync(name, userId, urls.Issuer(http.Request), http.RequestAborted));
        }
        catch (AccessException ex)
        {
            return GatewayError.Result(ex.Message.StartsWith("No upstream", StringComparison.Ordinal) ? StatusCodes.Status404NotFound : StatusCodes.Status400BadRequest, ex.Message, ex.Hint);
        }
        catch (HttpRequestException ex)
        {
            return GatewayError.Result(StatusCodes.Status502BadGateway, $"Upstream '{name}' could not be reached to start the sign-in: {ex.Message}",
                "Retry in a moment; /health/vendors shows whether the upstream answers.");
        }
    }

    private static async Task<IResult> CallbackAsync(HttpContext http, UpstreamOAuthClient client)
    {
        var query = http.Request.Query;
        if (query["error"].ToString() is { Length: > 0 } error)
        {
            await client.AbandonAsync(query["state"], http.RequestAborted);
            return GatewayError.Result(StatusCodes.Status400BadRequest,
                $"The upstream's authorization server did not grant access: {error}{(query["error_description"].ToString() is { Length: > 0 } description ? $" ({description})" : "")}.",
                "Open the connect link from Portico's answer again and allow access on the upstream's page.");
        }

        try
        {
            var upstream = await client.FinishAsync(query["state"], query["code"], query.ContainsKey("iss") ? query["iss"].ToString() : null, http.RequestAborted);
            http.Response.Headers.CacheControl = "no-store";
            return TypedResults.Content(Page(upstream), "text/html; charset=utf-8");
        }
        catch (AccessException ex)
        {
            return GatewayError.Result(StatusCodes.Status400BadRequest, ex.Message, ex.Hint);
        }
        catch (HttpRequestException ex)
        {
            return GatewayError.Result(StatusCodes.Status502BadGateway, $"The upstream's token endpoint could not be reached: {ex.Message}",
                "Open the connect link from Portico's answer again in a moment.");
        }
    }

    private static string Page(string upstream)
    {
        var name = WebUtility.HtmlEncode(upstream);
        return $"""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>Connected to {name} · Portico</title>
            <meta name="viewport" content="width=device-width, initial-scale=1"></head>
            <body style="font-family: system-ui, sans-serif; max-width: 32rem; margin: 4rem auto;">
            <h1 id="connected">Connected to {name}</h1>
            <p>Portico now calls <strong>{name}</strong> as you. You can close this page and call its tools again.</p>
            </body></html>
            """;
    }
}
