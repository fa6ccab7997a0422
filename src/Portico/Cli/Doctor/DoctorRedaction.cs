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

    private static readonly string[] SecretHeaderWords = ["authorization", "cookie", "token", "secret", "api-key", "apikey", "x-api-key", "password"];

    private static readonly string[] SecretFieldWords = ["token", "secret", "password", "apikey", "api_key", "key", "code_verifier", "assertion", "credential"];

    public static bool IsSecretHeader(string name)
    {
        var lower = name.ToLowerInvariant();
        return SecretHeaderWords.Any(lower.Contains);
    }

    /// <summary>A header's value as the bundle records it.</summary>
    public static string Header(string name, string value, string? secret) => IsSecretHeader(name) ? Redacted : Text(value, secret);

    /// <summary>A body as the bundle records it: JSON with its secret fields blanked, and any key or token in the text replaced.</summary>
    public static string Body(string body, string? secret)
    {
        try
        {
            if (JsonNode.Parse(body) is { } json)
            {
                Blank(json);
                body = json.ToJsonString();
            }
        }
        catch (JsonException)
        {
            // Not JSON (HTML, SSE, text): the pattern pass below still removes keys and tokens from it.
        }

        return Text(body, secret);
    }

    public static string Text(string text, string? secret)
    {
        if (!string.IsNullOrEmpty(secret))
        {
            text = text.Replace(secret, Redacted, StringComparison.Ordinal);
        }

        text = ApiKey().Replace(text, Redacted);
        return Jwt().Replace(text, Redacted);
    }

    private static void Blank(JsonNode node)
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
                    else if (obj[name] is { } child)
                    {
                        Blank(child);
                    }
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    if (item is not null)
                    {
                        Blank(item);
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
}
