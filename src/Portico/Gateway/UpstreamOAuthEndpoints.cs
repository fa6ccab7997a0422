using System.Net;
using Microsoft.AspNetCore.Http.HttpResults;
using Portico.Access;
using Portico.Identity;

namespace Portico.Gateway;

/// <summary>
/// The browser side of credential mode <c>oauth</c>: <c>GET /gateway/upstreams/{name}/connect?link=…</c>
/// (the link from a <c>CREDENTIALS_MISSING</c> answer) redirects to the upstream's authorization
/// server, and <c>GET /gateway/oauth/callback</c> stores the user's tokens and says they are connected.
/// Both need the browser signed in to Portico (the identity pages' session cookie) as the user the link
/// was made for: a browser that is not signed in gets the sign-in form (posted back to the link), another
/// user's browser is refused. A link works once; the single-use state binds the callback to its sign-in.
/// </summary>
internal static partial class UpstreamOAuthEndpoints
{
    public static IEndpointRouteBuilder MapPorticoUpstreamOAuth(this IEndpointRouteBuilder endpoints)
    {
        // Reached by a browser without Portico credentials: the connect pages check the browser's own session cookie
        // (and CSRF token), the link says whose it is, and the callback's single-use state whose sign-in it was.
        endpoints.MapGet("/gateway/upstreams/{name}/connect", ConnectAsync).AllowAnonymousListed();
        endpoints.MapPost("/gateway/upstreams/{name}/connect", SignInAsync).DisableAntiforgery().AllowAnonymousListed();
        endpoints.MapGet(UpstreamOAuthClient.CallbackPath, CallbackAsync).AllowAnonymousListed();
        return endpoints;
    }

    private static async Task<IResult> ConnectAsync(string name, string? link, HttpContext http, UpstreamOAuthLinks links, UpstreamOAuthClient client, IdentityUrls urls,
        BrowserSessions sessions)
    {
        var read = links.Read(name, link);
        if (read.Problem is { } problem)
        {
            return FreshLink(StatusCodes.Status400BadRequest, problem, name);
        }

        var user = await sessions.GetUserAsync(http, http.RequestAborted);
        if (user is null)
        {
            await ShowSignInAsync(http, sessions, name, link!, null, null, StatusCodes.Status200OK);
            return Results.Empty;
        }

        if (user.Id != read.UserId)
        {
            return GatewayError.Result(StatusCodes.Status403Forbidden, $"This connect link was made for another Portico user, not for {user.Email}.",
                "A link connects only the account of the user whose call it answered: open it in a browser signed in to Portico as that user, "
                + $"or call one of the upstream's tools (as {name}__<tool>) as yourself to get your own link.");
        }

        if (!await client.SpendLinkAsync(read.Id!, read.ExpiresAt, http.RequestAborted))
        {
            return FreshLink(StatusCodes.Status400BadRequest, "This connect link was already used (a link works once).", name);
        }

        try
        {
            return TypedResults.Redirect(await client.StartAsync(name, user.Id, urls.Issuer(http.Request), http.RequestAborted));
        }
        catch (AccessException ex)
        {
            return GatewayError.Result(ex.Message.StartsWith("No upstream", StringComparison.Ordinal) ? StatusCodes.Status404NotFound : StatusCodes.Status400BadRequest, ex.Message, ex.Hint);
        }
        catch (HttpRequestException ex)
        {
            return GatewayError.Result(StatusCodes.Status502BadGateway, $"Upstream '{name}' could not be reached to start the sign-in: {ex.Message}",
                "Retry in a moment with a fresh link; /health/vendors shows whether the upstream answers.");
        }
    }

    /// <summary>The sign-in form of the connect page: signs the browser in to Portico, then back to the link (which is not spent until then).</summary>
    private static async Task<IResult> SignInAsync(string name, HttpContext http, UpstreamOAuthLinks links, BrowserSessions sessions, UserAccounts accounts,
        ILogger<UpstreamOAuthLinks> logger)
    {
        IFormCollection form;
        try
        {
            form = await OAuthBodies.ReadFormAsync(http, "Post the sign-in form (application/x-www-form-urlencoded).");
        }
        catch (OAuthException ex)
        {
            return GatewayError.Result(ex.Status, ex.Message, "Open the connect link again and sign in on its page.");
        }

        if (!sessions.CsrfMatches(http, form))
        {
            return GatewayError.Result(StatusCodes.Status403Forbidden, "The form's CSRF token is missing or does not match.", "Open the connect link again and sign in on its page.");
        }

        var link = form["link"].ToString();
        if (links.Read(name, link).Problem is { } problem)
        {
            return FreshLink(StatusCodes.Status400BadRequest, problem, name);
        }

        var email = form["email"].ToString();
        var (user, error) = await accounts.SignInAsync(email, form["password"].ToString(), http.RequestAborted);
        if (user is null)
        {
            LogSignInRefused(logger, email, error!);
            await ShowSignInAsync(http, sessions, name, link, error, email, StatusCodes.Status400BadRequest);
            return Results.Empty;
        }

        await sessions.SignInAsync(http, user.Id, http.RequestAborted);
        http.Response.Headers.Location = $"{UpstreamOAuthLinks.Path(name)}?link={Uri.EscapeDataString(link)}";
        return Results.StatusCode(StatusCodes.Status303SeeOther);
    }

    private static async Task<IResult> CallbackAsync(HttpContext http, UpstreamOAuthClient client, BrowserSessions sessions)
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
            var user = await sessions.GetUserAsync(http, http.RequestAborted);
            var upstream = await client.FinishAsync(query["state"], query["code"], query.ContainsKey("iss") ? query["iss"].ToString() : null, user?.Id, http.RequestAborted);
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

    private static JsonHttpResult<GatewayError> FreshLink(int status, string problem, string upstream)
        => GatewayError.Result(status, problem, $"Call one of the upstream's tools again (as {upstream}__<tool>): the answer carries a fresh link made for you.");

    private static Task ShowSignInAsync(HttpContext http, BrowserSessions sessions, string upstream, string link, string? error, string? email, int status)
        => IdentityPages.WriteAsync(http, "Sign in to connect " + upstream,
            IdentityPages.Login(UpstreamOAuthLinks.Path(upstream), [("link", link)], sessions.Csrf(http), error, email,
                $"Sign in to Portico first: the link connects your Portico account to your account at upstream '{upstream}'."), status);

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

    [LoggerMessage(EventId = 1232, Level = LogLevel.Information, Message = "Connect page: sign-in of {Email} refused ({Reason})")]
    private static partial void LogSignInRefused(ILogger logger, string email, string reason);
}
