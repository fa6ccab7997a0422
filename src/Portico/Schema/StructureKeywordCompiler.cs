using System.Text.Json;

namespace Portico.Schema;

/// <summary>
/// Compiles the keywords that apply subschemas to an object's properties or an array's items.
/// Sibling keywords are read together because their meanings interlock: additionalProperties
/// depends on properties and patternProperties, items on prefixItems, minContains on contains.
/// </summary>
internal static class StructureKeywordCompiler
{
    public static PropertiesNode Properties(SchemaCompilation compilation, JsonElement schema, SchemaLocation at, int depth)
    {
        var properties = new Dictionary<string, SchemaNode>(StringComparer.Ordinal);
        var patterns = new List<PatternProperty>();
        SchemaNode? additional = null;
        if (Member(compilation, schema, at, "properties", JsonValueKind.Object, "must be an object of schemas") is { } declared)
        {
            foreach (var property in declared.Value.EnumerateObject())
            {
                properties[property.Name] = compilation.Compile(property.Value, declared.At.Append(property.Name), depth + 1);
            }
        }

        if (Member(compilation, schema, at, "patternProperties", JsonValueKind.Object, "must be an object of schemas") is { } patterned)
        {
            foreach (var property in patterned.Value.EnumerateObject())
            {
                var location = patterned.At.Append(property.Name);
                var node = compilation.Compile(property.Value, location, depth + 1);
                if (SchemaRegex.TryCreate(property.Name, out var error) is { } regex)
                {
                    patterns.Add(new PatternProperty(property.Name, regex, node));
                }
                else
                {
                    compilation.Issue(location, "patternProperties", error);
                }
            }
        }

        if (schema.TryGetProperty("additionalProperties", out var extra))
        {
            additional = compilation.Compile(extra, at.Append("additionalProperties"), depth + 1);
        }

        return new PropertiesNode(properties, patterns, additional);
    }

    public static ItemsNode Items(SchemaCompilation compilation, JsonElement schema, SchemaLocation at, int depth)
    {
        var prefix = new List<SchemaNode>();
        SchemaNode? rest = null;
        var hasItems = schema.TryGetProperty("items", out var items);
        // Draft 7 and earlier spelled prefixItems as an items array, and items as additionalItems;
        // generated tool schemas still do, so that form is read with its old meaning.
        var legacy = hasItems && items.ValueKind == JsonValueKind.Array;
        var prefixName = legacy ? "items" : "prefixItems";
        if (Member(compilation, schema, at, prefixName, JsonValueKind.Array, "must be an array of schemas") is { } listed)
        {
            var index = 0;
            foreach (var item in listed.Value.EnumerateArray())
            {
                prefix.Add(compilation.Compile(item, listed.At.Append(index++), depth + 1));
            }
        }

        var restName = legacy ? "additionalItems" : "items";
        if ((legacy || hasItems) && schema.TryGetProperty(restName, out var restSchema))
        {
            rest = compilation.Compile(restSchema, at.Append(restName), depth + 1);
        }

        return new ItemsNode(prefix, rest);
    }

    public static ContainsNode? Contains(SchemaCompilation compilation, JsonElement schema, SchemaLocation at, int depth, SchemaVocabularies vocabularies)
    {
        if (!schema.TryGetProperty("contains", out var contains))
        {
            return null; // minContains/maxContains alone do nothing
        }

        long minimum = 1;
        long? maximum = null;
        if ((vocabularies & SchemaVocabularies.Validation) != 0)
        {
            if (schema.TryGetProperty("minContains", out var min))
            {
                minimum = ValueKeywordCompiler.Count(compilation, min, at.Append("minContains"), "minContains") ?? 1;
            }

            if (schema.TryGetProperty("maxContains", out var max))
            {
                maximum = ValueKeywordCompiler.Count(compilation, max, at.Append("maxContains"), "maxContains");
            }
        }

        return new ContainsNode(compilation.Compile(contains, at.Append("contains"), depth + 1), minimum, maximum);
    }

    public static IEnumerable<SchemaNode> Unevaluated(SchemaCompilation compilation, JsonElement schema, SchemaLocation at, int depth)
    {
        var nodes = new List<SchemaNode>(2);
        if (schema.TryGetProperty("unevaluatedProperties", out var properties))
        {
            nodes.Add(new UnevaluatedPropertiesNode(compilation.Compile(properties, at.Append("unevaluatedProperties"), depth + 1)));
        }

        if (schema.TryGetProperty("unevaluatedItems", out var items))
        {
            nodes.Add(new UnevaluatedItemsNode(compilation.Compile(items, at.Append("unevaluatedItems"), depth + 1)));
        }

        return nodes;
    }

    private static (JsonElement Value, SchemaLocation At)? Member(
        SchemaCompilation compilation, JsonElement schema, SchemaLocation at, string name, JsonValueKind kind, string expected)
    {
        if (!schema.TryGetProperty(name, out var value))
        {
            return null;
        }

        var location = at.Append(name);
        if (value.ValueKind != kind)
        {
            compilation.Issue(location, name, expected);
            return null;
        }

        return (value, location);
    }
}
