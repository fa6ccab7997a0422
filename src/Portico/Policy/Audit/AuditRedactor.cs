using System.Text.Json;
using System.Text.Json.Nodes;
using Portico.Catalog;

namespace Portico.Policy.Audit;

/// <summary>
/// Arguments as they go into the audit trail: fields marked secret in the tool's schema
/// (<c>writeOnly: true</c> or <c>format: password</c>) and fields whose names say so
/// (password, secret, token, api key, credential, authorization) become <c>"[redacted]"</c>.
/// </summary>
internal static class AuditRedactor
{
    private const string Redacted = "[redacted]";
    private static readonly string[] SecretWords = ["password", "secret", "token", "apikey", "api_key", "api-key", "credential", "authorization"];

    public static string Redact(IDictionary<string, JsonElement>? arguments, JsonElement inputSchema)
    {
        if (arguments is null || arguments.Count == 0)
        {
            return "{}";
        }

        var secretProperties = SecretProperties(inputSchema);
        var result = new JsonObject();
        foreach (var (name, value) in arguments)
        {
            result[name] = secretProperties.Contains(name) || LooksSecret(name)
                ? Redacted
                : RedactNode(JsonNode.Parse(value.GetRawText(), documentOptions: new JsonDocumentOptions { MaxDepth = ToolArguments.MaxDepth }));
        }

        return result.ToJsonString(new JsonSerializerOptions { MaxDepth = ToolArguments.MaxDepth });
    }

    private static JsonNode? RedactNode(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var name in obj.Select(p => p.Key).ToList())
                {
                    obj[name] = LooksSecret(name) ? Redacted : RedactNode(obj[name]?.DeepClone());
                }

                return obj;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    array[i] = RedactNode(array[i]?.DeepClone());
                }

                return array;
            default:
                return node;
        }
    }

    private static HashSet<string> SecretProperties(JsonElement schema)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        if (schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in properties.EnumerateObject())
            {
                if (property.Value.ValueKind == JsonValueKind.Object &&
                    ((property.Value.TryGetProperty("writeOnly", out var writeOnly) && writeOnly.ValueKind == JsonValueKind.True) ||
                     (property.Value.TryGetProperty("format", out var format) && format.ValueKind == JsonValueKind.String && format.ValueEquals("password"))))
                {
                    names.Add(property.Name);
                }
            }
        }

        return names;
    }

    private static bool LooksSecret(string name)
    {
        foreach (var word in SecretWords)
        {
            if (name.Contains(word, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
