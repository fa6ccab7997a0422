using System.Text;
using System.Text.Json.Nodes;
using Portico.Integrations;

namespace Portico.Connectors;

/// <summary>
/// What a tenant must provide for a connector's calls, from the document's security scheme: an API key in a header or the
/// query, an HTTP bearer token, or HTTP basic <c>user:password</c>. It becomes the connector's integration (named as the
/// connector), so the secret is pasted in the portal's Integrations page, encrypted like every credential, and a tenant
/// without it gets <c>INTEGRATION_NOT_CONFIGURED</c> with the portal link. OAuth 2 and OpenID Connect schemes are not
/// supported yet: operations that accept only those are called without a credential.
/// </summary>
internal sealed record ConnectorConnection(string SchemeName, string Kind, string? ParameterName, string? Description)
{
    public const string HeaderKey = "header";
    public const string QueryKey = "query";
    public const string Bearer = "bearer";
    public const string Basic = "basic";

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
                return connection;
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
        Secret = Kind switch
        {
            HeaderKey => $"The API key, sent in the '{ParameterName}' header",
            QueryKey => $"The API key, sent as the '{ParameterName}' query parameter",
            Bearer => "The bearer token (sent as Authorization: Bearer …)",
            _ => "The user name and password as user:password (sent with HTTP basic authentication)",
        },
        WhereToGet = string.IsNullOrWhiteSpace(Description) ? $"From the provider of the {title} API (its developer settings or API keys page)." : Description.Trim(),
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
            case Bearer:
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

        return type == "http"
            ? Text(scheme, "scheme")?.ToLowerInvariant() switch
            {
                "bearer" => new ConnectorConnection(name, Bearer, null, description),
                "basic" => new ConnectorConnection(name, Basic, null, description),
                _ => null,
            }
            : null;
    }

    private static string? Text(JsonObject node, string key) => node[key] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
}
