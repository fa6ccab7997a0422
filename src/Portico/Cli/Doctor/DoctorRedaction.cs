using System.Net;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Portico.Cli.Doctor;

/// <summary>
/// Takes the secrets out of what the support bundle records: credential headers, cookies, secret-named JSON fields,
/// API keys and JWTs wherever they appear, and the token the doctor was given (also where a server echoes it back).
/// </summary>
internal static partial class DoctorRedaction
{
    public const string Redacted = "[redacted]";

    private static readonly JsonSerializerOptions Readable = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly string[] SecretHeaderWords = ["authorization", "cookie", "token", "secret", "api-key", "apikey", "x-api-key", "password"];

    private static readonly string[] SecretFieldWords = ["token", "secret", "password", "apikey", "api_key", "key", "code_verifier", "assertion", "credential"];

    public static bool IsSecretHeader(string name)
    {
        var lower = name.ToLowerInvariant();
        return SecretHeaderWords.Any(lower.Contains);
    }

    /// <summary>
    /// Every spelling of the credential the doctor was given that can turn up in what it records: as typed, trimmed,
    /// and bare (no quotes or "Bearer "), each also as a server would echo it inside JSON, a URL, a form or HTML.
    /// Values shorter than 4 characters are no credential worth blanking the whole bundle for.
    /// </summary>
    public static IReadOnlyList<string> Forms(string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return [];
        }

        var forms = new HashSet<string>(StringComparer.Ordinal);
        foreach (var value in new[] { token, token.Trim(), DoctorRun.Normalize(token).Bare })
        {
            forms.Add(value);
            forms.Add(JsonEncodedText.Encode(value).ToString());
            forms.Add(JsonEncodedText.Encode(value, JavaScriptEncoder.UnsafeRelaxedJsonEscaping).ToString());
            forms.Add(Uri.EscapeDataString(value));
            forms.Add(WebUtility.UrlEncode(value));
            forms.Add(WebUtility.HtmlEncode(value));
        }

        return [.. forms.Where(f => f.Length >= 4).OrderByDescending(f => f.Length)];
    }

    /// <summary>A header's value as the bundle records it.</summary>
    public static string Header(string name, string value, IReadOnlyList<string> secrets) => IsSecretHeader(name) ? Redacted : Text(value, secrets);

    /// <summary>
    /// A body as the bundle records it: JSON (also each JSON event of a stream) with its secret fields blanked and the
    /// credential taken out of every string, and any key, token or secret field in the text replaced.
    /// </summary>
    public static string Body(string body, IReadOnlyList<string> secrets)
    {
        if (Redact(body, secrets) is { } json)
        {
            return Text(json, secrets);
        }

        // Not one JSON document: a stream's data lines may each be one; anything else (HTML, text) gets the pattern pass.
        var lines = body.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].StartsWith("data:", StringComparison.Ordinal) && Redact(lines[i]["data:".Length..], secrets) is { } data)
            {
                lines[i] = "data: " + data;
            }
        }

        return Text(string.Join('\n', lines), secrets);
    }

    public static string Text(string text, IReadOnlyList<string> secrets)
    {
        foreach (var secret in secrets)
        {
            text = text.Replace(secret, Redacted, StringComparison.Ordinal);
        }

        text = ApiKey().Replace(text, Redacted);
        text = Jwt().Replace(text, Redacted);
        text = BearerValue().Replace(text, "$1" + Redacted);
        text = FormField().Replace(text, "$1=" + Redacted);
        return JsonField().Replace(text, "$1\"" + Redacted + "\"");
    }

    private static string? Redact(string json, IReadOnlyList<string> secrets)
    {
        try
        {
            if (JsonNode.Parse(json) is not { } node)
            {
                return null;
            }

            Blank(node, secrets);
            return node.ToJsonString(Readable);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static void Blank(JsonNode node, IReadOnlyList<string> secrets)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var name in obj.Select(p => p.Key).ToList())
                {
                    if (obj[name] is JsonValue && IsSecretField(name))
                    {
                        obj[name] = Redacted;
                    }
                    else if (obj[name] is JsonValue value && value.GetValueKind() == JsonValueKind.String)
                    {
                        // Decoded strings: a credential a server echoes JSON-escaped is found here as typed.
                        obj[name] = Text((string)value!, secrets);
                    }
                    else if (obj[name] is { } child)
                    {
                        Blank(child, secrets);
                    }
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    if (array[i] is JsonValue value && value.GetValueKind() == JsonValueKind.String)
                    {
                        array[i] = Text((string)value!, secrets);
                    }
                    else if (array[i] is { } item)
                    {
                        Blank(item, secrets);
                    }
                }

                break;
        }
    }

    // "keys", "key_id" and "tokens" name lists and ids, not secrets; the field itself must be the secret-named word or end with it.
    private static bool IsSecretField(string name)
    {
        var lower = name.ToLowerInvariant().Replace("-", "_", StringComparison.Ordinal);
        return SecretFieldWords.Any(w => lower == w || lower.EndsWith("_" + w, StringComparison.Ordinal) || (w.Length > 4 && lower.EndsWith(w, StringComparison.Ordinal)));
    }

    [GeneratedRegex(@"\b[A-Za-z]{2,8}_(live|test)_[A-Za-z0-9_]{8,}")]
    private static partial Regex ApiKey();

    [GeneratedRegex(@"\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*")]
    private static partial Regex Jwt();

    // An Authorization value echoed in a message or page: "Bearer " and a token (RFC 6750's token68 characters), not
    // the prose "bearer token" nor a challenge's parameters (Bearer resource_metadata="...").
    [GeneratedRegex(@"(\bBearer\s+)(?![A-Za-z_]+="")[A-Za-z0-9._~+/=-]{12,}")]
    private static partial Regex BearerValue();

    // An OAuth form body or query echoed as text: access_token=...&refresh_token=...&client_secret=...&password=...
    [GeneratedRegex(@"(?i)\b((?:[a-z]+_)?(?:token|secret|password|code_verifier|api_?key))=(?!\[redacted\])[^&\s""'<>]+")]
    private static partial Regex FormField();

    // A JSON secret field inside text that is not one JSON document (an HTML page, a log line): "access_token": "...".
    [GeneratedRegex(@"(?i)(""[a-z_]*(?:token|secret|password)""\s*:\s*)""(?:[^""\\]|\\.)*""")]
    private static partial Regex JsonField();
}
