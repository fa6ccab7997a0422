using System.Text.Json.Nodes;

namespace Portico.Connectors;

/// <summary>
/// Where a connector's calls go: the operator's base URL, else the document's first server (its variables at their
/// defaults; a relative URL is relative to where the document was fetched). Either way the outbound policy decides at
/// connect time whether the address may be reached, so a document naming an internal server gains nothing.
/// </summary>
internal static class ConnectorBaseUrl
{
    public static Uri Resolve(JsonObject document, string? sourceUrl, string? baseUrl)
    {
        var candidate = baseUrl;
        if (candidate is null && document["servers"] is JsonArray { Count: > 0 } servers && servers[0] is JsonObject server
            && server["url"] is JsonValue url && url.TryGetValue<string>(out var declared))
        {
            candidate = declared;
            if (server["variables"] is JsonObject variables)
            {
                foreach (var (name, variable) in variables)
                {
                    if (variable?["default"] is JsonValue value && value.TryGetValue<string>(out var fallback))
                    {
                        candidate = candidate.Replace("{" + name + "}", fallback, StringComparison.Ordinal);
                    }
                }
            }
        }

        candidate ??= "/";
        Uri? resolved = null;
        if (Uri.TryCreate(candidate, UriKind.Absolute, out var absolute) && absolute.Scheme is "http" or "https")
        {
            resolved = absolute;
        }
        else if (!candidate.Contains("://", StringComparison.Ordinal) && sourceUrl is not null && Uri.TryCreate(sourceUrl, UriKind.Absolute, out var source)
            && Uri.TryCreate(source, candidate, out var relative))
        {
            resolved = relative;
        }

        if (resolved is null || resolved.Scheme is not ("http" or "https") || !string.IsNullOrEmpty(resolved.UserInfo) || candidate.Contains('{', StringComparison.Ordinal))
        {
            throw new ConnectorException($"The connector has no usable base URL ('{candidate}').",
                "Give one with --base-url (admin API: \"baseUrl\"), an absolute http(s) URL without credentials, or fix the document's servers[0].url.");
        }

        return resolved;
    }
}
