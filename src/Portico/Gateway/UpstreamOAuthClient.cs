using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Portico.Access;
using Portico.Identity;
using Portico.Security;
using Portico.Storage;

namespace Portico.Gateway;

/// <summary>
/// Portico as the OAuth 2.1 client of an upstream: discovers its protected-resource metadata
/// (RFC 9728, from the 401's <c>resource_metadata</c> or the well-known URL) and its authorization
/// server (RFC 8414), registers itself (RFC 7591, once per upstream and callback), starts a sign-in
/// with PKCE S256, a single-use <c>state</c> and the RFC 8707 <c>resource</c>, exchanges the code and
/// refreshes tokens. Tokens are stored through <see cref="UpstreamCredentialStore"/>.
/// </summary>
internal sealed partial class UpstreamOAuthClient(
    PorticoDbContext db,
    UpstreamCredentialStore credentials,
    IDataProtectionProvider protection,
    UpstreamHttp http,
    TimeProvider time)
{
    public const string CallbackPath = "/gateway/oauth/callback";

    /// <summary>How long a sign-in may take between the redirect to the upstream and the callback.</summary>
    public static readonly TimeSpan StateLifetime = TimeSpan.FromMinutes(10);

    private const string SecretPurpose = "Portico.Gateway.UpstreamOAuth.v1";

    /// <summary>Starts a sign-in of <paramref name="userId"/> at the upstream: the URL of its authorization endpoint to redirect the browser to.</summary>
    public async Task<string> StartAsync(string upstream, string userId, string baseUrl, CancellationToken cancellationToken)
    {
        var definition = await RequireOAuthUpstreamAsync(upstream, cancellationToken);
        UpstreamOAuthClientRecord client;
        try
        {
            client = await RegistrationAsync(definition, baseUrl.TrimEnd('/') + CallbackPath, cancellationToken);
        }
        catch (HttpRequestException ex) when (OutboundHttpException.Find(ex) is { } refused)
        {
            throw Problem(upstream, refused.Message.TrimEnd('.'));
        }

        var state = Secrets.New("");
        var verifier = Secrets.New("");
        var now = time.GetUtcNow();
        await db.Set<UpstreamOAuthStateRecord>().Where(s => s.ExpiresAt < now).ExecuteDeleteAsync(cancellationToken);
        db.Set<UpstreamOAuthStateRecord>().Add(new UpstreamOAuthStateRecord
        {
            Id = Secrets.HashHex(state),
            Upstream = upstream,
            UserId = userId,
            CodeVerifier = Protector(upstream, "verifier").Protect(Encoding.UTF8.GetBytes(verifier)),
            CreatedAt = now,
            ExpiresAt = now + StateLifetime,
        });
        await db.SaveChangesAsync(cancellationToken);
        var query = new Dictionary<string, string?>
        {
            ["response_type"] = "code",
            ["client_id"] = client.ClientId,
            ["redirect_uri"] = client.RedirectUri,
            ["code_challenge"] = Secrets.Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))),
            ["code_challenge_method"] = "S256",
            ["state"] = state,
            ["resource"] = client.Resource,
        };
        return Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString(client.AuthorizationEndpoint, query);
    }

    /// <summary>
    /// Spends a connect link's id: true the first time (on any instance), false when it was opened before.
    /// The primary key is the claim: of two openings at once, one insert fails.
    /// </summary>
    public async Task<bool> SpendLinkAsync(string linkId, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await db.Set<UpstreamOAuthSpentLinkRecord>().Where(l => l.ExpiresAt < now).ExecuteDeleteAsync(cancellationToken);
        var spent = new UpstreamOAuthSpentLinkRecord { Id = Secrets.HashHex(linkId), ExpiresAt = expiresAt };
        db.Set<UpstreamOAuthSpentLinkRecord>().Add(spent);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException)
        {
            db.Entry(spent).State = EntityState.Detached;
            return false;
        }
    }

    /// <summary>
    /// Finishes a sign-in: consumes the <c>state</c> (once, on any instance), checks that the browser
    /// finishing it is signed in to Portico as the user who started it, exchanges the code with the PKCE
    /// verifier and stores the tokens for the user. Returns the upstream's name.
    /// </summary>
    public async Task<string> FinishAsync(string? state, string? code, string? issuer, string? browserUserId, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(state) || string.IsNullOrEmpty(code))
        {
            throw new AccessException("The callback has no 'state' or no 'code'.", "Open the connect link from Portico's answer again to start a new sign-in.");
        }

        var id = Secrets.HashHex(state);
        var pending = await db.Set<UpstreamOAuthStateRecord>().AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, cancellationToken);
        // Deleting is the claim: of two callbacks with the same state, one finishes and the other is refused.
        if (pending is null || await db.Set<UpstreamOAuthStateRecord>().Where(s => s.Id == id).ExecuteDeleteAsync(cancellationToken) != 1)
        {
            throw new AccessException("This sign-in is unknown or was already finished (a state is used once).",
                "Open the connect link from Portico's answer again to start a new sign-in.");
        }

        if (pending.UserId != browserUserId)
        {
            // Someone else's sign-in finished in this browser (a lured click): it would store that browser's upstream account for them.
            throw new AccessException("This sign-in was started by another Portico user than the one signed in in this browser.",
                "Open your own connect link (from your own call of the upstream's tools) in a browser signed in to Portico as you.");
        }

        if (pending.ExpiresAt <= time.GetUtcNow())
        {
            throw new AccessException($"This sign-in took longer than {StateLifetime.TotalMinutes:0} minutes and expired.",
                "Open the connect link from Portico's answer again to start a new sign-in.");
        }

        var client = await db.Set<UpstreamOAuthClientRecord>().AsNoTracking().FirstOrDefaultAsync(c => c.Upstream == pending.Upstream, cancellationToken)
            ?? throw new AccessException($"Portico is no longer registered at the authorization server of upstream '{pending.Upstream}'.",
                "Open the connect link again: Portico registers anew.");
        if (issuer is not null && issuer != client.Issuer)
        {
            // RFC 9207: an answer from another authorization server than the one asked (mix-up attack).
            throw new AccessException($"The sign-in answer came from '{issuer}', not from '{client.Issuer}'.", "Open the connect link again.");
        }

        var verifier = Encoding.UTF8.GetString(Protector(pending.Upstream, "verifier").Unprotect(pending.CodeVerifier));
        var (tokens, error) = await TokenAsync(client, new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["redirect_uri"] = client.RedirectUri,
            ["code_verifier"] = verifier,
            ["resource"] = client.Resource,
        }, cancellationToken);
        if (tokens is null)
        {
            throw new AccessException($"The authorization server of upstream '{pending.Upstream}' refused the sign-in: {error}", "Open the connect link again.");
        }

        await credentials.SetAsync(pending.Upstream, UpstreamDefinition.CredentialsOAuth, pending.UserId, tokens.Serialize(), "oauth", cancellationToken);
        return pending.Upstream;
    }

    /// <summary>Forgets a sign-in the user or the authorization server broke off (its state cannot be used again).</summary>
    public async Task AbandonAsync(string? state, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrEmpty(state))
        {
            var id = Secrets.HashHex(state);
            await db.Set<UpstreamOAuthStateRecord>().Where(s => s.Id == id).ExecuteDeleteAsync(cancellationToken);
        }
    }

    /// <summary>
    /// Exchanges the refresh token for new tokens (the rotated refresh token replaces the old one).
    /// Null with the server's reason when it refused; throws when it could not be reached.
    /// </summary>
    public async Task<(UpstreamOAuthTokens? Tokens, string? Error)> RefreshAsync(string upstream, UpstreamOAuthTokens current, CancellationToken cancellationToken)
    {
        if (current.RefreshToken is null)
        {
            return (null, "the upstream issued no refresh token");
        }

        var client = await db.Set<UpstreamOAuthClientRecord>().AsNoTracking().FirstOrDefaultAsync(c => c.Upstream == upstream, cancellationToken);
        if (client is null)
        {
            return (null, "Portico's registration at the upstream's authorization server is gone");
        }

        var (tokens, error) = await TokenAsync(client, new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token",
            ["refresh_token"] = current.RefreshToken,
            ["resource"] = client.Resource,
        }, cancellationToken);
        // A server that does not rotate keeps the refresh token valid: keep using it.
        return (tokens is { RefreshToken: null } ? tokens with { RefreshToken = current.RefreshToken } : tokens, error);
    }

    private async Task<(UpstreamOAuthTokens? Tokens, string? Error)> TokenAsync(UpstreamOAuthClientRecord client, Dictionary<string, string> form, CancellationToken cancellationToken)
    {
        var upstreamUrl = await db.Set<UpstreamRecord>().AsNoTracking().Where(u => u.Name == client.Upstream).Select(u => u.Url).FirstOrDefaultAsync(cancellationToken);
        if (upstreamUrl is null || !Uri.TryCreate(client.TokenEndpoint, UriKind.Absolute, out var tokenEndpoint))
        {
            return (null, $"upstream '{client.Upstream}' or its token endpoint is no longer usable");
        }

        var secret = client.ClientSecret is { } protectedSecret ? Encoding.UTF8.GetString(Protector(client.Upstream, "client").Unprotect(protectedSecret)) : null;
        return await OAuthTokenRequests.RequestAsync(http.OAuthClient(new Uri(upstreamUrl)), tokenEndpoint, client.ClientId, secret, form, time.GetUtcNow(), cancellationToken);
    }

    /// <summary>Portico's registration for this upstream and callback, discovering and registering when there is none yet.</summary>
    private async Task<UpstreamOAuthClientRecord> RegistrationAsync(UpstreamDefinition upstream, string redirectUri, CancellationToken cancellationToken)
    {
        var existing = await db.Set<UpstreamOAuthClientRecord>().FirstOrDefaultAsync(c => c.Upstream == upstream.Name, cancellationToken);
        if (existing is not null && existing.RedirectUri == redirectUri)
        {
            return existing;
        }

        var (resource, issuer) = await DiscoverResourceAsync(upstream, cancellationToken);
        var server = await GetMetadataAsync(upstream, AuthorizationServerMetadataUrls(upstream.Name, issuer), "authorization server metadata (RFC 8414)", cancellationToken);
        if (String(server, "issuer") != issuer)
        {
            throw Problem(upstream.Name, $"its authorization server metadata names issuer '{String(server, "issuer")}', not '{issuer}'");
        }

        if (!Strings(server, "code_challenge_methods_supported").Contains("S256"))
        {
            throw Problem(upstream.Name, "its authorization server does not announce PKCE S256 (code_challenge_methods_supported), which MCP requires");
        }

        var authorize = String(server, "authorization_endpoint") ?? throw Problem(upstream.Name, "its authorization server metadata has no authorization_endpoint");
        var token = String(server, "token_endpoint") ?? throw Problem(upstream.Name, "its authorization server metadata has no token_endpoint");
        var registration = String(server, "registration_endpoint")
            ?? throw Problem(upstream.Name, "its authorization server offers no dynamic client registration (registration_endpoint, RFC 7591)");
        var policy = http.OAuth(upstream.Url!);
        foreach (var (name, url) in new[] { ("authorization_endpoint", authorize), ("token_endpoint", token), ("registration_endpoint", registration) })
        {
            // The browser is sent to the first, Portico posts to the others: each must be a URL the policy allows.
            var refused = Uri.TryCreate(url, UriKind.Absolute, out var uri) ? policy.RequestProblem(uri) : "not an absolute URL";
            if (refused is not null)
            {
                throw Problem(upstream.Name, $"its authorization server metadata names an unusable {name} ({refused.TrimEnd('.')})");
            }
        }

        var methods = Strings(server, "token_endpoint_auth_methods_supported");
        // A confidential client where the server allows one (Portico runs on a server, it can keep a secret); else public with PKCE.
        var method = methods.Count == 0 || methods.Contains("client_secret_basic") ? "client_secret_basic" : "none";
        var metadata = new System.Text.Json.Nodes.JsonObject
        {
            ["client_name"] = "Portico gateway",
            ["redirect_uris"] = new System.Text.Json.Nodes.JsonArray(redirectUri),
            ["grant_types"] = new System.Text.Json.Nodes.JsonArray("authorization_code", "refresh_token"),
            ["response_types"] = new System.Text.Json.Nodes.JsonArray("code"),
            ["token_endpoint_auth_method"] = method,
        };
        using var register = new HttpRequestMessage(HttpMethod.Post, registration) { Content = new StringContent(metadata.ToJsonString(), Encoding.UTF8, "application/json") };
        var response = await http.OAuthClient(upstream.Url!).SendAsync(register, cancellationToken);
        var registered = Json(response);
        if (!response.IsSuccess || String(registered, "client_id") is not { Length: > 0 } clientId)
        {
            throw Problem(upstream.Name, $"its authorization server refused Portico's registration ({(int)response.Status} {String(registered, "error")}: {String(registered, "error_description")})");
        }

        var record = existing ?? new UpstreamOAuthClientRecord
        {
            Upstream = upstream.Name,
            Issuer = issuer,
            AuthorizationEndpoint = authorize,
            TokenEndpoint = token,
            Resource = resource,
            RedirectUri = redirectUri,
            ClientId = clientId,
        };
        if (existing is null)
        {
            db.Set<UpstreamOAuthClientRecord>().Add(record);
        }

        (record.Issuer, record.AuthorizationEndpoint, record.TokenEndpoint, record.Resource, record.RedirectUri, record.ClientId) = (issuer, authorize, token, resource, redirectUri, clientId);
        record.ClientSecret = String(registered, "client_secret") is { Length: > 0 } secret ? Protector(upstream.Name, "client").Protect(Encoding.UTF8.GetBytes(secret)) : null;
        record.CreatedAt = time.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        return record;
    }

    /// <summary>The upstream's resource and its authorization server, from its protected-resource metadata.</summary>
    private async Task<(string Resource, string Issuer)> DiscoverResourceAsync(UpstreamDefinition upstream, CancellationToken cancellationToken)
    {
        var url = upstream.Url!;
        var candidates = new List<string>();
        if (await ChallengeAsync(upstream, cancellationToken) is { } announced)
        {
            candidates.Add(announced);
        }

        var origin = url.GetLeftPart(UriPartial.Authority);
        var path = url.AbsolutePath.TrimEnd('/');
        candidates.Add($"{origin}/.well-known/oauth-protected-resource{path}");
        candidates.Add($"{origin}/.well-known/oauth-protected-resource");
        var metadata = await GetMetadataAsync(upstream, candidates, "protected-resource metadata (RFC 9728)", cancellationToken);
        var resource = String(metadata, "resource") ?? throw Problem(upstream.Name, "its protected-resource metadata has no 'resource'");
        var issuer = Strings(metadata, "authorization_servers").FirstOrDefault()
            ?? throw Problem(upstream.Name, "its protected-resource metadata names no authorization server (authorization_servers)");
        return (resource, issuer);
    }

    /// <summary>The <c>resource_metadata</c> URL of the upstream's answer to an unauthenticated request, if it gives one.</summary>
    private async Task<string?> ChallengeAsync(UpstreamDefinition upstream, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, upstream.Url)
        {
            Content = new StringContent("""{"jsonrpc":"2.0","id":1,"method":"ping"}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Accept.ParseAdd("application/json");
        request.Headers.Accept.ParseAdd("text/event-stream");
        try
        {
            var response = await http.OAuthClient(upstream.Url!).SendAsync(request, cancellationToken);
            return response.Status == HttpStatusCode.Unauthorized ? ResourceMetadata(response.Headers.WwwAuthenticate.ToString()) : null;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    /// <summary>The <c>resource_metadata</c> parameter of a <c>WWW-Authenticate: Bearer …</c> challenge.</summary>
    public static string? ResourceMetadata(string? challenge)
        => challenge is not null && ResourceMetadataParameter().Match(challenge) is { Success: true } match ? match.Groups[1].Value : null;

    private static IEnumerable<string> AuthorizationServerMetadataUrls(string upstream, string issuer)
    {
        if (!Uri.TryCreate(issuer, UriKind.Absolute, out var uri))
        {
            throw Problem(upstream, $"its protected-resource metadata names an authorization server that is not an absolute URL ('{issuer}')");
        }

        var origin = uri.GetLeftPart(UriPartial.Authority);
        var path = uri.AbsolutePath.TrimEnd('/');
        return [$"{origin}/.well-known/oauth-authorization-server{path}", $"{origin}/.well-known/openid-configuration{path}", $"{issuer.TrimEnd('/')}/.well-known/openid-configuration"];
    }

    /// <summary>
    /// The first candidate that answers with a JSON object. A candidate the outbound policy refuses is never
    /// fetched; the refusal is named in the error (it says why, never what a host resolves to).
    /// </summary>
    private async Task<JsonElement> GetMetadataAsync(UpstreamDefinition upstream, IEnumerable<string> urls, string what, CancellationToken cancellationToken)
    {
        var tried = new List<string>();
        var refusals = new List<string>();
        foreach (var url in urls.Distinct(StringComparer.Ordinal))
        {
            tried.Add(url);
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
            {
                refusals.Add($"'{url}' is not an absolute URL");
                continue;
            }

            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, uri);
                request.Headers.Accept.ParseAdd("application/json");
                var response = await http.OAuthClient(upstream.Url!).SendAsync(request, cancellationToken);
                if (response.IsSuccess && Json(response) is { ValueKind: JsonValueKind.Object } metadata)
                {
                    return metadata;
                }
            }
            catch (HttpRequestException ex) when (OutboundHttpException.Find(ex) is { } refused)
            {
                refusals.Add(refused.Message.TrimEnd('.'));
            }
            catch (HttpRequestException)
            {
                // The next candidate, then the error below naming every URL tried.
            }
        }

        throw Problem(upstream.Name, $"none of {string.Join(", ", tried)} answered with its {what}" + (refusals.Count == 0 ? "" : $" ({string.Join("; ", refusals)})"));
    }

    private async Task<UpstreamDefinition> RequireOAuthUpstreamAsync(string upstream, CancellationToken cancellationToken)
    {
        var definition = await db.Set<UpstreamRecord>().AsNoTracking().FirstOrDefaultAsync(u => u.Name == upstream, cancellationToken) is { } record
            ? UpstreamDefinition.FromRecord(record)
            : throw new AccessException($"No upstream named '{upstream}'.", "The link names an upstream that was removed; ask an operator.");
        return definition.CredentialMode == UpstreamDefinition.CredentialsOAuth
            ? definition
            : throw new AccessException($"Upstream '{upstream}' does not sign users in with OAuth (credential mode '{definition.CredentialMode}').",
                "Nothing to connect here; its credentials are stored through /admin/api/upstreams/{name}/credentials.");
    }

    private IDataProtector Protector(string upstream, string what) => protection.CreateProtector(SecretPurpose, upstream, what);

    private static AccessException Problem(string upstream, string problem)
        => new($"Portico cannot sign in at upstream '{upstream}': {problem}.",
            "The upstream must be an OAuth 2.1 protected MCP server (RFC 9728 metadata, RFC 8414 authorization server with dynamic registration); an operator can check its URL.");

    private static JsonElement Json(OutboundResponse response) => OAuthTokenRequests.Json(response);

    private static string? String(JsonElement element, string name) => OAuthTokenRequests.String(element, name);

    private static List<string> Strings(JsonElement element, string name) => OAuthTokenRequests.Strings(element, name);

    [GeneratedRegex("resource_metadata=\"([^\"]+)\"")]
    private static partial Regex ResourceMetadataParameter();
}
