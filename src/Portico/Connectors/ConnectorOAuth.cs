using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portico.Access;
using Portico.Gateway;
using Portico.Identity;
using Portico.Integrations;
using Portico.Security;
using Portico.Storage;

namespace Portico.Connectors;

/// <summary>
/// Portico as the OAuth client of an OAuth connector's provider, for connecting tenant accounts in the portal. It reuses the
/// gateway's client pieces (<see cref="OAuthTokenRequests"/> for the token endpoint, <see cref="UpstreamOAuthTokens"/> for what is
/// stored): finds the provider's endpoints (the document's <c>oauth2</c> flow URLs, or its <c>openIdConnect</c> discovery
/// document, plus RFC 8414 metadata when the provider serves it), uses the operator's client for the connector
/// (<see cref="ConnectorOptions.OAuthClients"/>) or registers itself (RFC 7591, once per connector, provider and callback),
/// starts a sign-in with PKCE S256 and a single-use <c>state</c> bound to the tenant and the Portico user who started it,
/// and on the callback exchanges the code and stores the account (<see cref="TenantAccountStore"/>) with the subject the
/// provider's userinfo endpoint names. All of it under the connectors' outbound policy.
/// </summary>
internal sealed partial class ConnectorOAuth(
    PorticoDbContext db,
    ConnectorToolSource connectors,
    ConnectorHttp http,
    IOptionsMonitor<ConnectorOptions> options,
    IDataProtectionProvider protection,
    TenantAccountStore accounts,
    TimeProvider time,
    ILogger<ConnectorOAuth> logger)
{
    public const string CallbackPath = "/connectors/oauth/callback";

    /// <summary>How long a sign-in may take between the redirect to the provider and the callback.</summary>
    public static readonly TimeSpan StateLifetime = TimeSpan.FromMinutes(10);

    private const string SecretPurpose = "Portico.Connectors.OAuth.v1";

    /// <summary>
    /// Starts connecting an account of <paramref name="tenantId"/> by <paramref name="userId"/> (whom the caller has checked is an
    /// owner or admin of it): the provider's authorization URL to send the browser to.
    /// </summary>
    public async Task<string> StartAsync(string connector, string tenantId, string userId, string label, string baseUrl, CancellationToken cancellationToken)
    {
        var definition = Require(connector);
        if (TenantAccountStore.LabelProblem(label) is { } problem)
        {
            throw new AccessException(problem, $"Name the account in 1 to {TenantAccountStore.MaxLabelLength} characters, e.g. 'Support mailbox'.");
        }

        ConnectorOAuthClientRecord client;
        try
        {
            client = await RegistrationAsync(definition, baseUrl.TrimEnd('/') + CallbackPath, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            throw Problem(connector, OutboundHttpException.Find(ex)?.Message.TrimEnd('.') ?? $"its provider could not be reached ({ex.Message.TrimEnd('.')})");
        }

        var state = Secrets.New("");
        var verifier = Secrets.New("");
        var now = time.GetUtcNow();
        await db.Set<ConnectorOAuthStateRecord>().Where(s => s.ExpiresAt < now).ExecuteDeleteAsync(cancellationToken);
        db.Set<ConnectorOAuthStateRecord>().Add(new ConnectorOAuthStateRecord
        {
            Id = Secrets.HashHex(state),
            Connector = connector,
            TenantId = tenantId,
            UserId = userId,
            Label = label.Trim(),
            CodeVerifier = Protector(connector, "verifier").Protect(Encoding.UTF8.GetBytes(verifier)),
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
        };
        if (definition.Connection!.OAuth!.Scopes is { Count: > 0 } scopes)
        {
            query["scope"] = string.Join(' ', scopes);
        }

        return QueryHelpers.AddQueryString(client.AuthorizationEndpoint, query);
    }

    /// <summary>
    /// Finishes a sign-in: consumes the <c>state</c> (once, on any instance), checks that the browser finishing it is signed in as
    /// the Portico user who started it and that they still manage the tenant, exchanges the code with the PKCE verifier and
    /// stores the account for the tenant. Returns the tenant and the new account.
    /// </summary>
    public async Task<(string TenantId, TenantAccount Account)> FinishAsync(string? state, string? code, string? issuer, Principal browser, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(state) || string.IsNullOrEmpty(code))
        {
            throw new AccessException("The callback has no 'state' or no 'code'.", "Start again from the portal's Integrations page: 'Connect account'.");
        }

        var id = Secrets.HashHex(state);
        var pending = await db.Set<ConnectorOAuthStateRecord>().AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, cancellationToken);
        // Deleting is the claim: of two callbacks with the same state, one finishes and the other is refused.
        if (pending is null || await db.Set<ConnectorOAuthStateRecord>().Where(s => s.Id == id).ExecuteDeleteAsync(cancellationToken) != 1)
        {
            throw new AccessException("This sign-in is unknown or was already finished (a state is used once).",
                "Start again from the portal's Integrations page: 'Connect account'.");
        }

        if (pending.UserId != browser.Id)
        {
            // Someone else's sign-in finished in this browser (a lured click): it would connect this browser's provider account to their tenant.
            throw new AccessException("This sign-in was started by another Portico user than the one signed in in this browser.",
                "Connect an account yourself from the portal's Integrations page, signed in to Portico as you.", forbidden: true);
        }

        if (pending.ExpiresAt <= time.GetUtcNow())
        {
            throw new AccessException($"This sign-in took longer than {StateLifetime.TotalMinutes:0} minutes and expired.",
                "Start again from the portal's Integrations page: 'Connect account'.");
        }

        if (!browser.Scopes.Contains(Scopes.Admin)
            && !await db.Set<MembershipRecord>().AnyAsync(m => m.TenantId == pending.TenantId && m.UserId == browser.Id && (m.Role == "owner" || m.Role == "admin"), cancellationToken))
        {
            throw new AccessException($"Only an owner or admin of tenant '{pending.TenantId}' may connect its accounts, and you no longer are one.",
                "Ask an owner of the tenant.", forbidden: true);
        }

        var client = await db.Set<ConnectorOAuthClientRecord>().AsNoTracking().FirstOrDefaultAsync(c => c.Connector == pending.Connector, cancellationToken)
            ?? throw new AccessException($"Portico is no longer registered at the provider of connector '{pending.Connector}'.", "Start again: Portico registers anew.");
        if (issuer is not null && client.Issuer is not null && issuer != client.Issuer)
        {
            // RFC 9207: an answer from another authorization server than the one asked (mix-up attack).
            throw new AccessException($"The sign-in answer came from '{issuer}', not from '{client.Issuer}'.", "Start again from the portal.");
        }

        var verifier = Encoding.UTF8.GetString(Protector(pending.Connector, "verifier").Unprotect(pending.CodeVerifier));
        var (tokens, error) = await TokenAsync(client, new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["redirect_uri"] = client.RedirectUri,
            ["code_verifier"] = verifier,
        }, cancellationToken);
        if (tokens is null)
        {
            throw new AccessException($"The provider of connector '{pending.Connector}' refused the sign-in: {error}", "Start again from the portal.");
        }

        var subject = await SubjectAsync(client, tokens.AccessToken, cancellationToken);
        var account = await accounts.AddAsync(pending.TenantId, pending.Connector, pending.Label, subject, tokens.Serialize(), pending.UserId, cancellationToken);
        LogConnected(logger, pending.Connector, pending.TenantId, account.AccountId, pending.UserId);
        return (pending.TenantId, account);
    }

    /// <summary>Forgets a sign-in the user or the provider broke off (its state cannot be used again).</summary>
    public async Task AbandonAsync(string? state, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrEmpty(state))
        {
            var id = Secrets.HashHex(state);
            await db.Set<ConnectorOAuthStateRecord>().Where(s => s.Id == id).ExecuteDeleteAsync(cancellationToken);
        }
    }

    /// <summary>New tokens for the refresh token (a rotated one replaces it); null with the provider's reason when refused; throws when unreachable.</summary>
    public async Task<(UpstreamOAuthTokens? Tokens, string? Error)> RefreshAsync(string connector, UpstreamOAuthTokens current, CancellationToken cancellationToken)
    {
        if (current.RefreshToken is null)
        {
            return (null, "the provider issued no refresh token and the access token expired");
        }

        var client = await db.Set<ConnectorOAuthClientRecord>().AsNoTracking().FirstOrDefaultAsync(c => c.Connector == connector, cancellationToken);
        if (client is null)
        {
            return (null, "Portico's registration at the provider is gone");
        }

        var (tokens, error) = await TokenAsync(client, new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token",
            ["refresh_token"] = current.RefreshToken,
        }, cancellationToken);
        // A provider that does not rotate keeps the refresh token valid: keep using it.
        return (tokens is { RefreshToken: null } ? tokens with { RefreshToken = current.RefreshToken } : tokens, error);
    }

    private async Task<(UpstreamOAuthTokens? Tokens, string? Error)> TokenAsync(ConnectorOAuthClientRecord client, Dictionary<string, string> form, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(client.TokenEndpoint, UriKind.Absolute, out var endpoint))
        {
            return (null, "the provider's token endpoint is not an absolute URL");
        }

        var secret = client.ClientSecret is { } protectedSecret ? Encoding.UTF8.GetString(Protector(client.Connector, "client").Unprotect(protectedSecret)) : null;
        return await OAuthTokenRequests.RequestAsync(http.Client(), endpoint, client.ClientId, secret, form, time.GetUtcNow(), cancellationToken);
    }

    /// <summary>The account's <c>sub</c> at the provider from its userinfo endpoint, when it has one; shown to people, never used for access.</summary>
    private async Task<string?> SubjectAsync(ConnectorOAuthClientRecord client, string accessToken, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(client.UserinfoEndpoint, UriKind.Absolute, out var endpoint))
        {
            return null;
        }

        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, endpoint);
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", accessToken);
            request.Headers.Accept.ParseAdd("application/json");
            var response = await http.Client().SendAsync(request, cancellationToken);
            return response.IsSuccess ? OAuthTokenRequests.String(OAuthTokenRequests.Json(response), "sub") : null;
        }
        catch (HttpRequestException ex)
        {
            // The account works without it; only the label people see lacks the subject.
            LogUserinfoFailed(logger, client.Connector, ex.Message);
            return null;
        }
    }

    /// <summary>Portico's client at the connector's provider: the operator's, or a dynamic registration (made when there is none for this provider and callback).</summary>
    private async Task<ConnectorOAuthClientRecord> RegistrationAsync(ConnectorDefinition connector, string redirectUri, CancellationToken cancellationToken)
    {
        var scheme = connector.Connection!.OAuth!;
        var configured = options.CurrentValue.OAuthClients.GetValueOrDefault(connector.Name) is { ClientId: { Length: > 0 } } operatorClient ? operatorClient : null;
        var provider = configured is null ? scheme.Provider : $"{scheme.Provider} operator:{configured.ClientId}";
        var existing = await db.Set<ConnectorOAuthClientRecord>().FirstOrDefaultAsync(c => c.Connector == connector.Name, cancellationToken);
        if (existing is not null && existing.RedirectUri == redirectUri && existing.Provider == provider)
        {
            return existing;
        }

        var (authorize, token, registration, issuer, userinfo) = await EndpointsAsync(connector.Name, scheme, cancellationToken);
        var policy = http.Policy;
        foreach (var (name, url) in new[] { ("authorization endpoint", authorize), ("token endpoint", token), ("registration endpoint", registration), ("userinfo endpoint", userinfo) })
        {
            // The browser is sent to the first, Portico posts to the others: each must be a URL the connectors' policy allows.
            var refused = url is null ? null : Uri.TryCreate(url, UriKind.Absolute, out var uri) ? policy.RequestProblem(uri) : "not an absolute URL";
            if (refused is not null)
            {
                throw Problem(connector.Name, $"its provider names an unusable {name} ({refused.TrimEnd('.')})");
            }
        }

        string clientId;
        string? clientSecret;
        if (configured is not null)
        {
            (clientId, clientSecret) = (configured.ClientId!, string.IsNullOrEmpty(configured.ClientSecret) ? null : configured.ClientSecret);
        }
        else
        {
            (clientId, clientSecret) = await RegisterAsync(connector, registration, redirectUri, cancellationToken);
        }

        var record = existing ?? new ConnectorOAuthClientRecord
        {
            Connector = connector.Name,
            Provider = provider,
            AuthorizationEndpoint = authorize,
            TokenEndpoint = token,
            RedirectUri = redirectUri,
            ClientId = clientId,
        };
        if (existing is null)
        {
            db.Set<ConnectorOAuthClientRecord>().Add(record);
        }

        (record.Provider, record.Issuer, record.AuthorizationEndpoint, record.TokenEndpoint, record.UserinfoEndpoint, record.RedirectUri, record.ClientId)
            = (provider, issuer, authorize, token, userinfo, redirectUri, clientId);
        record.ClientSecret = clientSecret is not null ? Protector(connector.Name, "client").Protect(Encoding.UTF8.GetBytes(clientSecret)) : null;
        record.CreatedAt = time.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        return record;
    }

    private async Task<(string ClientId, string? ClientSecret)> RegisterAsync(ConnectorDefinition connector, string? registration, string redirectUri, CancellationToken cancellationToken)
    {
        if (registration is null)
        {
            throw new AccessException(
                $"Portico cannot connect accounts of connector '{connector.Name}': its provider offers no dynamic client registration (RFC 7591) and no client is configured for it.",
                $"An operator registers Portico at the provider with the redirect URI {redirectUri} and sets {ConnectorOptions.SectionName}:OAuthClients:{connector.Name}:ClientId (and :ClientSecret).");
        }

        var metadata = new JsonObject
        {
            ["client_name"] = $"Portico connector {connector.Name}",
            ["redirect_uris"] = new JsonArray(redirectUri),
            ["grant_types"] = new JsonArray("authorization_code", "refresh_token"),
            ["response_types"] = new JsonArray("code"),
            // A confidential client: Portico runs on a server and keeps the secret encrypted.
            ["token_endpoint_auth_method"] = "client_secret_basic",
        };
        using var register = new HttpRequestMessage(HttpMethod.Post, registration) { Content = new StringContent(metadata.ToJsonString(), Encoding.UTF8, "application/json") };
        var response = await http.Client().SendAsync(register, cancellationToken);
        var registered = OAuthTokenRequests.Json(response);
        if (!response.IsSuccess || OAuthTokenRequests.String(registered, "client_id") is not { Length: > 0 } clientId)
        {
            throw Problem(connector.Name,
                $"its provider refused Portico's registration ({(int)response.Status} {OAuthTokenRequests.String(registered, "error")}: {OAuthTokenRequests.String(registered, "error_description")})");
        }

        return (clientId, OAuthTokenRequests.String(registered, "client_secret") is { Length: > 0 } secret ? secret : null);
    }

    /// <summary>The provider's endpoints: from the OpenID Connect discovery document, or the document's flow plus the RFC 8414 metadata its token URL's server serves, if any.</summary>
    private async Task<(string Authorize, string Token, string? Registration, string? Issuer, string? Userinfo)> EndpointsAsync(string connector, ConnectorOAuthScheme scheme,
        CancellationToken cancellationToken)
    {
        if (scheme.OpenIdConnectUrl is { } discovery)
        {
            var metadata = await MetadataAsync(discovery, cancellationToken)
                ?? throw Problem(connector, $"its OpenID Connect discovery document {discovery} did not answer with JSON");
            CheckPkce(connector, metadata);
            return (OAuthTokenRequests.String(metadata, "authorization_endpoint") ?? throw Problem(connector, "its discovery document has no authorization_endpoint"),
                OAuthTokenRequests.String(metadata, "token_endpoint") ?? throw Problem(connector, "its discovery document has no token_endpoint"),
                OAuthTokenRequests.String(metadata, "registration_endpoint"), OAuthTokenRequests.String(metadata, "issuer"), OAuthTokenRequests.String(metadata, "userinfo_endpoint"));
        }

        var origin = scheme.TokenUrl!.GetLeftPart(UriPartial.Authority);
        foreach (var candidate in new[] { $"{origin}/.well-known/oauth-authorization-server", $"{origin}/.well-known/openid-configuration" })
        {
            // Only metadata that names the document's own token URL describes the same server; anything else is ignored.
            if (await MetadataAsync(new Uri(candidate), cancellationToken) is { } metadata
                && OAuthTokenRequests.String(metadata, "token_endpoint") == scheme.TokenUrl.AbsoluteUri)
            {
                CheckPkce(connector, metadata);
                return (scheme.AuthorizationUrl!.AbsoluteUri, scheme.TokenUrl.AbsoluteUri, OAuthTokenRequests.String(metadata, "registration_endpoint"),
                    OAuthTokenRequests.String(metadata, "issuer"), OAuthTokenRequests.String(metadata, "userinfo_endpoint"));
            }
        }

        return (scheme.AuthorizationUrl!.AbsoluteUri, scheme.TokenUrl.AbsoluteUri, null, null, null);
    }

    private static void CheckPkce(string connector, JsonElement metadata)
    {
        if (OAuthTokenRequests.Strings(metadata, "code_challenge_methods_supported") is { Count: > 0 } methods && !methods.Contains("S256"))
        {
            throw Problem(connector, "its provider does not support PKCE S256 (code_challenge_methods_supported), which Portico always uses");
        }
    }

    private async Task<JsonElement?> MetadataAsync(Uri url, CancellationToken cancellationToken)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.Accept.ParseAdd("application/json");
            var response = await http.Client().SendAsync(request, cancellationToken);
            return response.IsSuccess && OAuthTokenRequests.Json(response) is { ValueKind: JsonValueKind.Object } metadata ? metadata : null;
        }
        catch (HttpRequestException ex) when (OutboundHttpException.Find(ex) is null)
        {
            return null;
        }
    }

    private ConnectorDefinition Require(string connector)
        => connectors.Connectors().FirstOrDefault(c => c.Name == connector) is { Connection.Kind: ConnectorConnection.OAuthKind } definition
            ? definition
            : throw new AccessException($"No connector '{connector}' connects accounts with OAuth.", "Pick one of the services whose action is 'Connect account'.");

    private IDataProtector Protector(string connector, string what) => protection.CreateProtector(SecretPurpose, connector, what);

    private static AccessException Problem(string connector, string problem)
        => new($"Portico cannot connect accounts of connector '{connector}': {problem}.",
            "The connector's document must name an OAuth 2 authorization code flow or an OpenID Connect discovery URL the connectors' outbound policy allows; an operator can check it.");

    [LoggerMessage(EventId = 1810, Level = LogLevel.Information, Message = "Connector {Connector}: account {AccountId} connected for tenant {TenantId} by user {UserId}")]
    private static partial void LogConnected(ILogger logger, string connector, string tenantId, string accountId, string userId);

    [LoggerMessage(EventId = 1811, Level = LogLevel.Warning, Message = "Connector {Connector}: the provider's userinfo endpoint could not be read ({Error}); the account is stored without its subject")]
    private static partial void LogUserinfoFailed(ILogger logger, string connector, string error);
}
