using System.Text.Json;

namespace Portico.Schema;

/// <summary>
/// Compiles the keywords that apply subschemas to an object's properties or an array's items.
/// Sibling keywords are read together because their meanings interlock: additionalProperties
/// depends on properties and patternProperties, items on prefixItems.
/// </summary>
internal static class StructureKeywordCompiler
{
    public static PropertiesNode? Properties(SchemaCompilation compilation, JsonElement schema, string pointer, int depth)
    {
        var properties = new Dictionary<string, SchemaNode>(StringComparer.Ordinal);
        var patterns = new List<PatternProperty>();
        SchemaNode? additional = null;
        if (Member(compilation, schema, pointer, "properties", JsonValueKind.Object, "must be an object of schemas") is { } declared)
        {
            foreach (var property in declared.Value.EnumerateObject())
            {
                properties[property.Name] = compilation.Compile(property.Value, JsonPointer.Append(declared.At, property.Name), depth + 1);
            }
        }

        if (Member(compilation, schema, pointer, "patternProperties", JsonValueKind.Object, "must be an object of schemas") is { } patterned)
        {
            foreach (var property in patterned.Value.EnumerateObject())
            {
                var at = JsonPointer.Append(patterned.At, property.Name);
                var node = compilation.Compile(property.Value, at, depth + 1);
                if (SchemaRegex.TryCreate(property.Name, out var error) is { } regex)
                {
                    patterns.Add(new PatternProperty(property.Name, regex, node));
                }
                else
                {
                    compilation.Issue(at, "patternProperties", error);
                }
            }
        }

        if (schema.TryGetProperty("additionalProperties", out var extra))
        {
            additional = compilation.Compile(extra, JsonPointer.Append(pointer, "additionalProperties"), depth + 1);
        }

        return new PropertiesNode(properties, patterns, additional);
    }

    public static ItemsNode? Items(SchemaCompilation compilation, JsonElement schema, string pointer, int depth)
    {
        var prefix = new List<SchemaNode>();
        SchemaNode? rest = null;
        if (Member(compilation, schema, pointer, "prefixItems", JsonValueKind.Array, "must be a non-empty array of schemas") is { } listed)
        {
            var index = 0;
            foreach (var item in listed.Value.EnumerateArray())
            {
                prefix.Add(compilation.Compile(item, JsonPointer.Append(listed.At, index++), depth + 1));
            }

            if (index == 0)
            {
                compilation.Issue(listed.At, "prefixItems", "must be a non-empty array of schemas");
            }
        }

        if (schema.TryGetProperty("items", out var items))
        {
            var at = JsonPointer.Append(pointer, "items");
            if (items.ValueKind == JsonValueKind.Array)
            {
                compilation.Issue(at, "items", "the array form is from earlier drafts; in 2020-12 use prefixItems");
            }
            else
            {
                rest = compilation.Compile(items, at, depth + 1);
            }
        }

        return new ItemsNode(prefix, rest);
    }

    private static (JsonElement Value, string At)? Member(
        SchemaCompilation compilation, JsonElement schema, string pointer, string name, JsonValueKind kind, string expected)
    {
        if (!schema.TryGetProperty(name, out var value))
        {
            return null;
        }

        var at = JsonPointer.Append(pointer, name);
        if (value.ValueKind != kind)
        {
            compilation.Issue(at, name, expected);
            return null;
        }

        return (value, at);
    }
}
