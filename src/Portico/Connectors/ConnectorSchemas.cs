using System.Text.Json.Nodes;

namespace Portico.Connectors;

/// <summary>
/// Turns an OpenAPI 3.1 document's schemas into self-contained JSON Schema 2020-12 for a tool: references to
/// <c>#/components/schemas/X</c> become <c>#/$defs/X</c> and the referenced components (transitively) travel along in
/// <c>$defs</c>, so recursive schemas stay references instead of being expanded forever. OpenAPI's own keywords
/// (<c>xml</c>, <c>discriminator</c>, <c>externalDocs</c>, <c>example</c>) are dropped: they describe nothing a validator checks.
/// </summary>
internal sealed class ConnectorSchemas(JsonObject document)
{
    private const string ComponentPrefix = "#/components/schemas/";
    private static readonly HashSet<string> OpenApiOnly = new(StringComparer.Ordinal) { "xml", "discriminator", "externalDocs", "example" };

    private readonly JsonObject? _components = document["components"]?["schemas"] as JsonObject;

    /// <summary>A copy of <paramref name="schema"/> with references rewritten; the component names it uses are added to <paramref name="used"/>.</summary>
    public static JsonNode Convert(JsonNode? schema, ISet<string> used) => Rewrite(schema, used, 0) ?? new JsonObject();

    /// <summary>The <c>$defs</c> for <paramref name="used"/> and whatever those reference in turn.</summary>
    public JsonObject Definitions(ISet<string> used)
    {
        var defs = new JsonObject();
        var pending = new Queue<string>(used);
        while (pending.TryDequeue(out var token))
        {
            // The reference keeps the pointer's escaped token; the key is the name it stands for.
            var name = token.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            if (defs.ContainsKey(name))
            {
                continue;
            }

            var more = new HashSet<string>(StringComparer.Ordinal);
            defs[name] = _components?[name] is { } component ? Rewrite(component, more, 0) : new JsonObject();
            foreach (var next in more)
            {
                pending.Enqueue(next);
            }
        }

        return defs;
    }

    /// <summary>The schema a top-level reference points to (for an output schema, whose root must say <c>type: object</c>).</summary>
    public JsonNode? Dereference(JsonNode? schema)
    {
        for (var hops = 0; hops < 16 && schema is JsonObject { Count: 1 } reference && reference["$ref"]?.GetValue<string>() is { } target; hops++)
        {
            if (!target.StartsWith(ComponentPrefix, StringComparison.Ordinal))
            {
                return schema;
            }

            schema = _components?[target[ComponentPrefix.Length..].Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)];
        }

        return schema;
    }

    private static JsonNode? Rewrite(JsonNode? node, ISet<string> used, int depth)
    {
        if (depth > ConnectorDocument.MaxDepth * 2)
        {
            throw new ConnectorException("A schema is nested too deeply.", "Move nested schemas to components and $ref them.");
        }

        switch (node)
        {
            case JsonObject obj:
                var copy = new JsonObject();
                foreach (var (key, value) in obj)
                {
                    if (OpenApiOnly.Contains(key))
                    {
                        continue;
                    }

                    if (key == "$ref" && value is JsonValue refValue && refValue.TryGetValue<string>(out var target) && target.StartsWith(ComponentPrefix, StringComparison.Ordinal))
                    {
                        var token = target[ComponentPrefix.Length..];
                        used.Add(token);
                        copy[key] = "#/$defs/" + token;
                        continue;
                    }

                    copy[key] = Rewrite(value, used, depth + 1);
                }

                return copy;
            case JsonArray array:
                var items = new JsonArray();
                foreach (var item in array)
                {
                    items.Add(Rewrite(item, used, depth + 1));
                }

                return items;
            default:
                return node?.DeepClone();
        }
    }
}
