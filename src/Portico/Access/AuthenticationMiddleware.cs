using System.Net;
using Microsoft.Extensions.Options;
using Portico.Hosting;
using Portico.Identity;

namespace Portico.Access;

/// <summary>
/// Establishes the <see cref="Principal"/> of every MCP request from <c>Authorization: Bearer ptk_…</c>
/// (or a raw <c>Authorization: ptk_…</c>) or from an OAuth access token (a JWT bound to this MCP resource). Failures are 401 with JSON-RPC -32001, exactly one
/// message, a hint, and the <c>WWW-Authenticate</c> header that points OAuth clients at discovery.
/// </summary>
internal sealed partial class AuthenticationMiddleware(RequestDelegate next, AccessDirectory directory, AccessTokens accessTokens, IdentityUrls urls,
    IOptionsMonitor<AccessOptions> options, ILogger<AuthenticationMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (!McpPaths.IsMcpPath(context.Request.Path) || IsPublic(context.Request))
        {
            await next(context);
            return;
        }

        var credential = BearerCredential.From(context.Request);
        if (credential.Length == 0)
        {
            if (options.CurrentValue.AllowAnonymousLoopback && IsLoopback(context))
            {
                context.Features.Set(Principal.Anonymous);
                await next(context);
                return;
            }

            await ChallengeAsync(context, "Authentication required",
                "Send 'Authorization: Bearer <API key>' (a ptk_live_… key from 'portico keys create'), or follow the resource_metadata URL in WWW-Authenticate to sign in with OAuth.",
                invalidToken: false);
            return;
        }

        if (BearerCredential.IsAccessToken(credential))
        {
            var check = await accessTokens.CheckAsync(credential, urls.Issuer(context.Request), urls.Resource(context.Request, context.Request.Path), context.RequestAborted);
            if (check.Principal is null)
            {
                LogRefused(logger, check.Error!);
                await ChallengeAsync(context, check.Error!,
                    "Refresh the access token, or follow the resource_metadata URL in WWW-Authenticate to sign in again for this resource.", invalidToken: true);
                return;
            }

            context.Features.Set(check.Principal);
            await next(context);
            return;
        }

        if (!ApiKeyFormat.LooksLikeKey(credential))
        {
            await ChallengeAsync(context, AuthenticationResult.InvalidKey, AuthenticationResult.Invalid().Hint!, invalidToken: true);
            return;
        }

        var result = await directory.AuthenticateApiKeyAsync(credential, context.RequestAborted);
        if (result.Principal is null)
        {
            LogRefused(logger, result.Error!);
            await ChallengeAsync(context, result.Error!, result.Hint!, invalidToken: true);
            return;
        }

        context.Features.Set(result.Principal);
        await next(context);
    }

    /// <summary>The public metadata (<c>GET /mcp</c> without an event stream) and CORS preflight need no credentials.</summary>
    private static bool IsPublic(HttpRequest request)
        => HttpMethods.IsOptions(request.Method)
            || (HttpMethods.IsGet(request.Method) && !request.Headers.Accept.ToString().Contains("text/event-stream", StringComparison.OrdinalIgnoreCase));

    private static bool IsLoopback(HttpContext context) => context.Connection.RemoteIpAddress is { } ip && IPAddress.IsLoopback(ip);

    private static Task ChallengeAsync(HttpContext context, string message, string hint, bool invalidToken)
    {
        var request = context.Request;
        var metadata = $"{request.Scheme}://{request.Host}/.well-known/oauth-protected-resource{request.PathBase}{request.Path}";
        context.Response.Headers.WWWAuthenticate = invalidToken
            ? BearerChallenge.Format(metadata, "invalid_token", message)
            : BearerChallenge.Format(metadata);
        return JsonErrors.WriteJsonRpcAsync(context, StatusCodes.Status401Unauthorized, Mcp.JsonRpcErrorCodes.Unauthorized, message, hint);
    }

    [LoggerMessage(EventId = 410, Level = LogLevel.Information, Message = "Refused credential: {Reason}")]
    private static partial void LogRefused(ILogger logger, string reason);
}
