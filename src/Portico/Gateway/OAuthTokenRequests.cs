using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Portico.Security;

namespace Portico.Gateway;

/// <summary>
/// Portico's side of an OAuth token endpoint (RFC 6749 §3.2), shared by every place Portico is an OAuth client — upstreams
/// in credential mode <c>oauth</c> and OAuth connectors: one form POST, client authentication (HTTP basic for a confidential
/// client, <c>client_id</c> in the form for a public one), the answer read into <see cref="UpstreamOAuthTokens"/> or the
/// server's error. A 5xx answer throws, so a server that is down never marks stored tokens invalid.
/// </summary>
internal static class OAuthTokenRequests
{
    /// <summary>Tokens, or null with the server's <c>error: error_description</c>; throws when the server could not answer.</summary>
    public static async Task<(UpstreamOAuthTokens? Tokens, string? Error)> RequestAsync(OutboundHttpClient http, Uri tokenEndpoint, string clientId, string? clientSecret,
        Dictionary<string, string> form, DateTimeOffset now, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, tokenEndpoint);
        if (clientSecret is not null)
        {
            var basic = $"{Uri.EscapeDataString(clientId)}:{Uri.EscapeDataString(clientSecret)}";
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(basic)));
        }
        else
        {
            form["client_id"] = clientId;
        }

        request.Headers.Accept.ParseAdd("application/json");
        request.Content = new FormUrlEncodedContent(form);
        var response = await http.SendAsync(request, cancellationToken);
        var body = Json(response);
        if (!response.IsSuccess)
        {
            if ((int)response.Status >= 500)
            {
                throw new HttpRequestException($"The token endpoint answered {(int)response.Status}.", null, response.Status);
            }

            return (null, $"{String(body, "error") ?? ((int)response.Status).ToString(CultureInfo.InvariantCulture)}: {String(body, "error_description") ?? "no description"}");
        }

        if (String(body, "access_token") is not { Length: > 0 } access)
        {
            return (null, "the token response has no access_token");
        }

        DateTimeOffset? expires = body is { ValueKind: JsonValueKind.Object } b && b.TryGetProperty("expires_in", out var seconds) && seconds.TryGetInt64(out var value)
            ? now.AddSeconds(value)
            : null;
        return (new UpstreamOAuthTokens(access, String(body, "refresh_token"), expires), null);
    }

    /// <summary>The body as JSON, or <c>default</c> when it is not JSON.</summary>
    public static JsonElement Json(OutboundResponse response)
    {
        try
        {
            using var document = JsonDocument.Parse(response.Body);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return default;
        }
    }

    public static string? String(JsonElement element, string name)
        => element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public static List<string> Strings(JsonElement element, string name)
        => element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array
            ? [.. value.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!)]
            : [];
}
