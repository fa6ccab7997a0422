using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portico.Hosting;
using Portico.Security;
using Portico.Storage;

namespace Portico.Identity;

/// <summary>
/// Client ID Metadata Documents (draft-ietf-oauth-client-id-metadata-document, MCP 2025-11-25): a <c>client_id</c> that is
/// an https URL names a JSON document describing a public client. It is fetched under the outbound policy (<see cref="OutboundHttp"/>:
/// a time and size limit, no redirects, no private addresses), checked, kept as an <c>oauth_clients</c> row (codes and refresh tokens refer to it) and cached
/// in memory for the document's <c>max-age</c>, within bounds. Every refusal is an <c>invalid_client</c> saying what was wrong.
/// </summary>
internal sealed partial class ClientMetadataDocuments : IDisposable
{
    public static readonly string[] GrantTypes = ClientRegistrations.SelfRegisteredGrantTypes;

    private readonly ConcurrentDictionary<string, (OAuthClientRecord Client, DateTimeOffset ExpiresAt)> _cache = new(StringComparer.Ordinal);
    private readonly ClientMetadataOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<ClientMetadataDocuments> _logger;
    private readonly OutboundHttpClient _http;
    private readonly IDisposable _subscription;

    public ClientMetadataDocuments(IOptions<ClientMetadataOptions> options, StoreChanges changes, TimeProvider time, ILogger<ClientMetadataDocuments> logger)
    {
        // Kept for the document's max-age, so not an InvalidatingCache; an operator's change still drops the entry at once.
        _subscription = changes.Subscribe(IdentityTopics.Clients, clientId => _cache.TryRemove(clientId, out _));
        _options = options.Value;
        _time = time;
        _logger = logger;
        // Development only: loopback http client_ids are then fetched from the server's own network.
        _http = new OutboundHttpClient(new OutboundHttpPolicy
        {
            Use = "client metadata documents",
            AllowPrivateNetworks = _options.AllowLoopbackHttp,
            AllowHttp = _options.AllowLoopbackHttp,
            Timeout = _options.Timeout,
            MaxResponseBytes = _options.MaxBytes,
            Setting = ClientMetadataOptions.SectionName,
            SingleSetting = ClientMetadataOptions.SectionName + ":AllowLoopbackHttp",
        });
    }

    public static bool IsUrl(string clientId)
        => clientId.StartsWith("https://", StringComparison.OrdinalIgnoreCase) || clientId.StartsWith("http://", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The name for the login and consent pages. Anyone can write any client_name into a document, so a URL client's
    /// name comes with the host that serves it, the one part the user can trust.
    /// </summary>
    public static string DisplayName(OAuthClientRecord client)
        => !IsUrl(client.Id) ? client.Name ?? client.Id
            : client.Name is null ? client.Id : $"{client.Name} ({new Uri(client.Id).Host})";

    /// <summary>The client behind a <c>client_id</c>: a registered one from the store, or a URL's metadata document. Null when an id that is no URL is unknown.</summary>
    public async Task<OAuthClientRecord?> FindAsync(string clientId, PorticoDbContext db, CancellationToken cancellationToken)
        => IsUrl(clientId)
            ? await ResolveAsync(clientId, db, cancellationToken)
            : await db.Set<OAuthClientRecord>().AsNoTracking().FirstOrDefaultAsync(c => c.Id == clientId, cancellationToken);

    public async Task<OAuthClientRecord> ResolveAsync(string url, PorticoDbContext db, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        if (_cache.TryGetValue(url, out var cached) && cached.ExpiresAt > now)
        {
            return cached.Client;
        }

        var uri = Check(url);
        var (body, lifetime) = await FetchAsync(url, uri, cancellationToken);
        var client = Parse(url, body, now);
        await ClientNames.RefuseImpersonationAsync(db, client.Name, what => Refuse(url, "is refused: " + what), cancellationToken);
        await SaveAsync(client, db, cancellationToken);
        _cache[url] = (client, now + lifetime);
        LogFetched(_logger, url, lifetime.TotalSeconds);
        return client;
    }

    public void Dispose()
    {
        _subscription.Dispose();
        _http.Dispose();
    }

    private Uri Check(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            throw Refuse(url, "is not a valid absolute URL.");
        }

        var loopbackHttp = uri.Scheme == Uri.UriSchemeHttp && RedirectUris.IsLoopback(uri);
        if (uri.Scheme != Uri.UriSchemeHttps && !(loopbackHttp && _options.AllowLoopbackHttp))
        {
            throw Refuse(url, loopbackHttp
                ? $"is not https. A client_id URL must use https; http://localhost is accepted only in development ({ClientMetadataOptions.SectionName}:AllowLoopbackHttp)."
                : "is not https. A client_id URL must use https (draft-ietf-oauth-client-id-metadata-document 3).");
        }

        if (uri.UserInfo.Length > 0 || url.Contains('#', StringComparison.Ordinal))
        {
            throw Refuse(url, "must not contain credentials or a fragment.");
        }

        if (uri.AbsolutePath == "/" || url.Contains("/./", StringComparison.Ordinal) || url.Contains("/../", StringComparison.Ordinal))
        {
            throw Refuse(url, "must have a path (e.g. /oauth/client.json) without . or .. segments.");
        }

        return uri;
    }

    private async Task<(byte[] Body, TimeSpan Lifetime)> FetchAsync(string url, Uri uri, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.Accept.ParseAdd("application/json");
        OutboundResponse response;
        try
        {
            response = await _http.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException ex) when (OutboundHttpException.Find(ex) is { } refused)
        {
            throw refused.Refusal switch
            {
                OutboundRefusal.TooLarge => TooLarge(url),
                OutboundRefusal.TimedOut => Refuse(url, $"could not be fetched: timed out after {_options.Timeout.TotalSeconds:0.###} seconds."),
                _ => Refuse(url, $"could not be fetched: {refused.Message}"),
            };
        }
        catch (HttpRequestException ex)
        {
            throw Refuse(url, $"could not be fetched: {ex.Message}");
        }

        var status = (int)response.Status;
        if (status is >= 300 and < 400)
        {
            throw Refuse(url, $"answered HTTP {status}, a redirect to '{response.Headers.Location}'. Redirects are not followed: serve the document at the client_id URL itself.");
        }

        return response.IsSuccess
            ? (response.Body, Lifetime(response.Headers.CacheControl))
            : throw Refuse(url, $"could not be fetched: HTTP {status} {response.ReasonPhrase}.");
    }

    private OAuthException TooLarge(string url) => Refuse(url, $"is too large: a client metadata document may be at most {_options.MaxBytes} bytes.");

    private TimeSpan Lifetime(CacheControlHeaderValue? cacheControl)
    {
        var wanted = cacheControl switch
        {
            { NoStore: true } or { NoCache: true } => TimeSpan.Zero,
            { MaxAge: { } maxAge } => maxAge,
            _ => _options.DefaultCacheLifetime,
        };
        return TimeSpan.FromTicks(Math.Clamp(wanted.Ticks, _options.MinCacheLifetime.Ticks, _options.MaxCacheLifetime.Ticks));
    }

    private static OAuthClientRecord Parse(string url, byte[] body, DateTimeOffset now)
    {
        var document = OAuthBodies.ParseObject(body, what => Refuse(url, $"is unreadable: {what}"));
        try
        {
            var clientId = ClientRegistrationEndpoint.String(document, "client_id");
            if (clientId != url)
            {
                throw Refuse(url, clientId is null
                    ? "has no client_id; it must be the document's own URL."
                    : $"says client_id '{clientId}', which does not match the URL it was fetched from. They must be identical.");
            }

            if (document.TryGetProperty("client_secret", out _) || document.TryGetProperty("client_secret_expires_at", out _))
            {
                throw Refuse(url, "contains a client_secret; a document anyone can read cannot hold a secret.");
            }

            var authMethod = ClientRegistrationEndpoint.String(document, "token_endpoint_auth_method") ?? "none";
            if (authMethod != "none")
            {
                throw Refuse(url, $"declares token_endpoint_auth_method '{authMethod}'; only 'none' (a public client) is supported for a client_id URL.");
            }

            var redirectUris = ClientRegistrationEndpoint.Strings(document, "redirect_uris") ?? [];
            if (redirectUris.Count == 0)
            {
                throw Refuse(url, "has no redirect_uris; list the URIs the client receives codes at.");
            }

            if (redirectUris.Select(RedirectUris.Problem).FirstOrDefault(p => p is not null) is { } problem)
            {
                throw Refuse(url, $"lists an unusable redirect URI: {problem}");
            }

            var grantTypes = ClientRegistrationEndpoint.Strings(document, "grant_types") ?? ["authorization_code"];
            if (grantTypes.FirstOrDefault(g => !GrantTypes.Contains(g)) is { } unknownGrant)
            {
                throw Refuse(url, $"asks for grant_type '{unknownGrant}', which a client_id URL cannot use. Use: {string.Join(", ", GrantTypes)}.");
            }

            if ((ClientRegistrationEndpoint.Strings(document, "response_types") ?? ["code"]).Any(r => r != "code"))
            {
                throw Refuse(url, "may only list response_types [\"code\"] (OAuth 2.1: no implicit flow).");
            }

            var scope = ClientRegistrationEndpoint.String(document, "scope") is { } asked ? OAuthScopes.Format(OAuthScopes.Parse(asked)) : null;
            var name = ClientRegistrationEndpoint.String(document, "client_name");
            return new OAuthClientRecord
            {
                Id = url,
                Name = name is { Length: > 200 } ? name[..200] : name,
                AuthMethod = "none",
                RedirectUris = string.Join(' ', redirectUris),
                GrantTypes = string.Join(' ', grantTypes),
                Scope = scope,
                CreatedAt = now,
            };
        }
        catch (OAuthException ex) when (ex.Error != "invalid_client")
        {
            throw Refuse(url, $"is invalid: {ex.Message}");
        }
    }

    /// <summary>The row codes and refresh tokens point at, refreshed with what the document says now. Leaves the caller's other tracked entities alone.</summary>
    private static async Task SaveAsync(OAuthClientRecord client, PorticoDbContext db, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var row = await db.Set<OAuthClientRecord>().FirstOrDefaultAsync(c => c.Id == client.Id, cancellationToken);
            if (row is null)
            {
                row = Copy(client);
                db.Set<OAuthClientRecord>().Add(row);
            }
            else
            {
                row.Name = client.Name;
                row.AuthMethod = client.AuthMethod;
                row.SecretHash = null;
                row.RedirectUris = client.RedirectUris;
                row.GrantTypes = client.GrantTypes;
                row.Scope = client.Scope;
            }

            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return;
            }
            catch (DbUpdateException) when (attempt == 0)
            {
                // Another instance stored the same document first: read its row and update that instead.
                db.Entry(row).State = EntityState.Detached;
            }
        }
    }

    private static OAuthClientRecord Copy(OAuthClientRecord c) => new()
    {
        Id = c.Id,
        Name = c.Name,
        AuthMethod = c.AuthMethod,
        RedirectUris = c.RedirectUris,
        GrantTypes = c.GrantTypes,
        Scope = c.Scope,
        CreatedAt = c.CreatedAt,
    };

    private static OAuthException Refuse(string url, string what) => new("invalid_client", $"The client_id '{url}' (a Client ID Metadata Document) {what}");

    [LoggerMessage(EventId = 740, Level = LogLevel.Information, Message = "Fetched the client metadata document {Url}; cached for {Seconds} s")]
    private static partial void LogFetched(ILogger logger, LogValue url, double seconds);
}
