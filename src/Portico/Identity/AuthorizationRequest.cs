using Microsoft.Extensions.Primitives;
using Portico.Storage;

namespace Portico.Identity;

/// <summary>A checked authorization request. The same checks run on the GET and on every form post, since the form fields come back from the browser.</summary>
internal sealed record AuthorizationRequest(OAuthClientRecord Client, string RedirectUri, string? State, IReadOnlySet<string> Scopes, string Resource, string CodeChallenge)
{
    /// <summary>The parameters carried through the login and consent forms.</summary>
    public static readonly string[] Parameters = ["response_type", "client_id", "redirect_uri", "scope", "state", "code_challenge", "code_challenge_method", "resource"];

    /// <summary>
    /// Throws <see cref="AuthorizationRedirectException"/> once the redirect URI is trusted (the error goes
    /// back to the client), and <see cref="OAuthException"/> before (never redirect to an unverified URI).
    /// </summary>
    public static async Task<AuthorizationRequest> ParseAsync(Func<string, StringValues> get, HttpRequest request, IdentityUrls urls, PorticoDbContext db,
        CancellationToken cancellationToken)
    {
        string? clientId = get("client_id");
        if (string.IsNullOrEmpty(clientId))
        {
            throw OAuthException.InvalidRequest("client_id is missing. Register at /oauth/register first.");
        }

        var client = await request.HttpContext.RequestServices.GetRequiredService<ClientMetadataDocuments>().FindAsync(clientId, db, cancellationToken)
            ?? throw new OAuthException("invalid_client", $"Unknown client '{clientId}'. Register it at /oauth/register and use the client_id it returns.");
        var registered = client.RedirectUris.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        string? redirectUri = get("redirect_uri");
        if (string.IsNullOrEmpty(redirectUri))
        {
            redirectUri = registered.Length == 1 ? registered[0] : throw OAuthException.InvalidRequest("redirect_uri is missing (the client registered several).");
        }
        else if (!registered.Any(r => RedirectUris.Matches(r, redirectUri)))
        {
            throw OAuthException.InvalidRequest(
                $"redirect_uri '{redirectUri}' is not {(ClientMetadataDocuments.IsUrl(client.Id) ? "listed in the client's metadata document" : "registered for this client")} (registered: {string.Join(", ", registered)}). It must match exactly; only loopback URIs may differ in port.");
        }

        string? state = get("state");
        var issuer = urls.Issuer(request);
        AuthorizationRedirectException Fail(string error, string description) => new(redirectUri, error, description, state, issuer);

        if (get("response_type") != "code")
        {
            throw Fail("unsupported_response_type", "response_type must be 'code' (OAuth 2.1 authorization code flow).");
        }

        if (!client.GrantTypes.Split(' ').Contains("authorization_code"))
        {
            throw Fail("unauthorized_client", "This client is not registered for the authorization_code grant.");
        }

        string? challenge = get("code_challenge");
        string? method = get("code_challenge_method");
        if (string.IsNullOrEmpty(challenge))
        {
            throw Fail("invalid_request", "PKCE is required: send code_challenge and code_challenge_method=S256.");
        }

        if (method != "S256")
        {
            throw Fail("invalid_request", $"code_challenge_method '{(string.IsNullOrEmpty(method) ? "plain (the default when absent)" : method)}' is not supported: use S256.");
        }

        if (challenge.Length != 43)
        {
            throw Fail("invalid_request", "code_challenge must be the base64url SHA-256 of the code_verifier (43 characters).");
        }

        IReadOnlySet<string> scopes;
        string resource;
        try
        {
            // Not limited to the scopes the client registered: the user consents to each request, and step-up
            // authorization asks for more than the first sign-in did (the MCP SDKs register that first set).
            scopes = OAuthScopes.Parse(get("scope"));

            resource = urls.ValidateResource(request, get("resource"));
        }
        catch (OAuthException ex)
        {
            throw Fail(ex.Error, ex.Message);
        }

        return new AuthorizationRequest(client, redirectUri, state, scopes, resource, challenge);
    }
}
