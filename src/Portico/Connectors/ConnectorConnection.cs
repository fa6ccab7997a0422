using System.Text;
using System.Text.Json.Nodes;
using Portico.Integrations;

namespace Portico.Connectors;

/// <summary>
/// What a tenant must provide for a connector's calls, from the document's security scheme: an API key in a header or the
/// query, an HTTP bearer token, or HTTP basic <c>user:password</c>. It becomes the connector's integration (named as the
/// connector), so the secret is pasted in the portal's Integrations page, encrypted like every credential, and a tenant
/// without it gets <c>INTEGRATION_NOT_CONFIGURED</c> with the portal link. An <c>oauth2</c> scheme with the authorization code
/// flow, or an <c>openIdConnect</c> scheme, makes it an integration connected by OAuth accounts (<see cref="OAuth"/>): the
/// tenant connects accounts in the portal and each call names one (<c>accountId</c>), whose access token is the bearer.
/// </summary>
internal sealed record ConnectorConnection(string SchemeName, string Kind, string? ParameterName, string? Description)
{
    /// <summary>Where the provider's sign-in happens, for <see cref="OAuthKind"/>.</summary>
    public ConnectorOAuthScheme? OAuth { get; init; }

    public const string HeaderKey = "header";
    public const string QueryKey = "query";
    public const string Bearer = "bearer";
    public const string Basic = "basic";
    public const string OAuthKind = "oauth2";

    /// <summary>The first supported scheme the document's security requirements name (global first), or null.</summary>
    public static ConnectorConnection? From(JsonObject document)
    {
        if (document["components"]?["securitySchemes"] is not JsonObject schemes)
        {
            return null;
        }

        var requirements = new List<JsonNode?>();
        requirements.AddRange(document["security"] as JsonArray ?? []);
        foreach (var (_, item) in document["paths"] as JsonObject ?? [])
        {
            foreach (var (_, operation) in item as JsonObject ?? [])
            {
                requirements.AddRange(operation?["security"] as JsonArray ?? []);
            }
        }

        foreach (var name in requirements.OfType<JsonObject>().SelectMany(r => r.Select(p => p.Key)).Distinct(StringComparer.Ordinal))
        {
            if (ConnectorOperations.Resolve(document, schemes[name]) is JsonObject scheme && Of(name, scheme) is { } connection)
            {
                // The scopes an OAuth sign-in asks for: every scope the requirements name for this scheme.
                return connection.OAuth is { } oauth
                    ? connection with
                    {
                        OAuth = oauth with
                        {
                            Scopes = [.. requirements.OfType<JsonObject>().Select(r => r[name]).OfType<JsonArray>().SelectMany(a => a)
                                .Select(v => v is JsonValue value && value.TryGetValue<string>(out var text) ? text : null).OfType<string>()
                                .Where(text => text.Length > 0 && !text.Any(c => char.IsWhiteSpace(c) || char.IsControl(c))).Distinct(StringComparer.Ordinal)],
                        },
                    }
                    : connection;
            }
        }

        return null;
    }

    /// <summary>Whether <paramref name="operation"/> needs this connection: its requirements (or the document's) name the scheme.</summary>
    public bool NeededBy(JsonObject document, JsonObject operation)
        => (operation["security"] as JsonArray ?? document["security"] as JsonArray ?? []).OfType<JsonObject>().Any(r => r.ContainsKey(SchemeName));

    public IntegrationDefinition Integration(string connector, string title) => new()
    {
        Name = connector,
        Title = title,
        Description = $"Calls the {title} API for the tools {connector}__*.",
        Accounts = Kind == OAuthKind,
        Secret = Kind switch
        {
            OAuthKind => $"One or more {title} accounts, connected by signing in at the provider (OAuth); each call names the account it acts as (accountId)",
            HeaderKey => $"The API key, sent in the '{ParameterName}' header",
            QueryKey => $"The API key, sent as the '{ParameterName}' query parameter",
            Bearer => "The bearer token (sent as Authorization: Bearer …)",
            _ => "The user name and password as user:password (sent with HTTP basic authentication)",
        },
        WhereToGet = !string.IsNullOrWhiteSpace(Description) ? Description.Trim()
            : Kind == OAuthKind ? $"Sign in at the {title} provider when you connect the account."
            : $"From the provider of the {title} API (its developer settings or API keys page).",
    };

    /// <summary>Puts <paramref name="secret"/> where the scheme says.</summary>
    public void Apply(HttpRequestMessage request, StringBuilder query, string secret)
    {
        switch (Kind)
        {
            case HeaderKey:
                request.Headers.TryAddWithoutValidation(ParameterName!, secret);
                break;
            case QueryKey:
                query.Append(query.Length == 0 ? '?' : '&').Append(Uri.EscapeDataString(ParameterName!)).Append('=').Append(Uri.EscapeDataString(secret));
                break;
            case Bearer or OAuthKind:
                request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", secret);
                break;
            default:
                request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(secret)));
                break;
        }
    }

    private static ConnectorConnection? Of(string name, JsonObject scheme)
    {
        var type = Text(scheme, "type");
        var description = Text(scheme, "description");
        if (type == "apiKey" && Text(scheme, "name") is { Length: > 0 } parameter && parameter.All(c => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c, StringComparison.Ordinal)))
        {
            return Text(scheme, "in") switch
            {
                "header" => new ConnectorConnection(name, HeaderKey, parameter, description),
                "query" => new ConnectorConnection(name, QueryKey, parameter, description),
                _ => null,
            };
        }

        if (type == "oauth2" && scheme["flows"]?["authorizationCode"] is JsonObject flow
            && Absolute(Text(flow, "authorizationUrl")) is { } authorize && Absolute(Text(flow, "tokenUrl")) is { } token)
        {
            return new ConnectorConnection(name, OAuthKind, null, description) { OAuth = new ConnectorOAuthScheme(authorize, token, null, []) };
        }

        if (type == "openIdConnect" && Absolute(Text(scheme, "openIdConnectUrl")) is { } discovery)
        {
            return new ConnectorConnection(name, OAuthKind, null, description) { OAuth = new ConnectorOAuthScheme(null, null, discovery, []) };
        }

        return type == "http"
            ? Text(scheme, "scheme")?.ToLowerInvariant() switch
            {
                "bearer" => new ConnectorConnection(name, Bearer, null, description),
                "basic" => new ConnectorConnection(name, Basic, null, description),
                _ => null,
            }
            : null;
    }

    private static Uri? Absolute(string? url)
        => Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http" ? uri : null;

    private static string? Text(JsonObject node, string key) => node[key] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
}
