using System.Net;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Portico.Access;
using Portico.Hosting;

namespace Portico.Identity;

/// <summary>
/// The <see cref="AccessPolicies.BearerScheme"/> scheme: <c>Authorization: Bearer ptk_…</c> (or a raw <c>ptk_…</c>) API keys
/// and this server's OAuth access tokens. On an MCP endpoint a token must be issued for the resource that endpoint serves
/// (spelled canonically from the route, whatever spelling routed here); elsewhere for any MCP resource of this server.
/// The challenge is a 401 with exactly one message and a hint, and on MCP endpoints the <c>resource_metadata</c>
/// that sends OAuth clients to discovery (RFC 9728 §5.1), as the MCP C# SDK's McpAuthenticationHandler writes it.
/// </summary>
internal sealed partial class BearerAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> schemeOptions,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    AccessDirectory directory,
    AccessTokens accessTokens,
    IdentityUrls urls,
    IOptionsMonitor<AccessOptions> accessOptions) : AuthenticationHandler<AuthenticationSchemeOptions>(schemeOptions, loggerFactory, encoder)
{
    /// <summary>
    /// The one line a refused credential gets. ASP.NET Core's own lines about it ("was not authenticated", "was challenged",
    /// "was forbidden") come from the handler's category, which the server's defaults set to Warning (Program).
    /// </summary>
    public const string RefusalCategory = "Portico.Identity.Credentials";

    private const string HintKey = "hint";

    private readonly ILogger _refusals = loggerFactory.CreateLogger(RefusalCategory);

    private const string MissingHint = "Send 'Authorization: Bearer <API key>' (a ptk_live_… key from 'portico keys create'), or follow the resource_metadata URL in WWW-Authenticate to sign in with OAuth.";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        // What a credential is checked against depends on the routed endpoint (the audience of a token), so a credential
        // is never accepted before routing: an authentication there would be cached for the request and skip that check.
        if (Context.GetEndpoint() is null)
        {
            return AuthenticateResult.Fail("No endpoint was routed: credentials are checked for an endpoint's policy only.");
        }

        var mcp = McpEndpointMetadata.Of(Context);
        var credential = BearerCredential.From(Request);
        if (credential.Length == 0)
        {
            // The development mode's anonymous caller (serve --conformance) is issued here, explicitly, and only to loopback MCP callers.
            return mcp is not null && accessOptions.CurrentValue.AllowAnonymousLoopback && Context.Connection.RemoteIpAddress is { } ip && IPAddress.IsLoopback(ip)
                ? Success(Principal.Anonymous)
                : AuthenticateResult.NoResult();
        }

        if (BearerCredential.IsAccessToken(credential))
        {
            try
            {
                return await AuthenticateTokenAsync(credential, mcp);
            }
            catch (OAuthException ex)
            {
                // The issuer comes from configuration or a Host that names this server; another Host has no issuer to check against.
                return Refused(ex.Message, "Call this server under its own host name (Portico:Identity:Issuer or Portico:Mcp:AllowedHosts).");
            }
        }

        if (!ApiKeyFormat.LooksLikeKey(credential))
        {
            return Refused(AuthenticationResult.InvalidKey, AuthenticationResult.Invalid().Hint!);
        }

        var result = await directory.AuthenticateApiKeyAsync(credential, Context.RequestAborted);
        return result.Principal is { } principal ? Success(principal) : Refused(result.Error!, result.Hint!);
    }

    private async Task<AuthenticateResult> AuthenticateTokenAsync(string token, McpEndpointMetadata? mcp)
    {
        var audience = mcp is null ? null : urls.Resource(Request, mcp.ResourcePath(Context));
        var check = await accessTokens.CheckAsync(token, urls.Issuer(Request), audience, Context.RequestAborted);
        if (check.Principal is null)
        {
            return Refused(check.Error!, "Refresh the access token, or follow the resource_metadata URL in WWW-Authenticate to sign in again for this resource.");
        }

        if (mcp is null && !urls.IsOwnResource(Request, check.Audience))
        {
            return Refused($"The access token is for '{check.Audience}', not for this server.", $"Request a token with resource={urls.DefaultResource(Request)}.");
        }

        return Success(check.Principal);
    }

    private AuthenticateResult Success(Principal principal)
        => AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new PrincipalIdentity(principal, Scheme.Name)), Scheme.Name));

    private AuthenticateResult Refused(string message, string hint)
    {
        LogRefused(_refusals, message);
        return AuthenticateResult.Fail(message, new AuthenticationProperties(new Dictionary<string, string?> { [HintKey] = hint }));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        var refused = result.Failure is not null;
        var message = refused ? result.Failure!.Message : "Authentication required";
        var hint = refused ? result.Properties?.GetString(HintKey) ?? MissingHint : MissingHint;
        var metadata = McpEndpointMetadata.Of(Context) is { } mcp ? urls.ProtectedResourceMetadata(Request, mcp.ResourcePath(Context)) : null;
        Response.Headers.WWWAuthenticate = refused ? BearerChallenge.Format(metadata, "invalid_token", message) : BearerChallenge.Format(metadata);
        await JsonErrors.WriteForEndpointAsync(Context, StatusCodes.Status401Unauthorized, JsonRpcErrorCodes.Unauthorized, "unauthorized", message, hint);
    }

    [LoggerMessage(EventId = 410, Level = LogLevel.Information, Message = "Refused credential: {Reason}")]
    private static partial void LogRefused(ILogger logger, LogValue reason);
}
