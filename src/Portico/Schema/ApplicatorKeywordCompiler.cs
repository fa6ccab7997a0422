using System.Text.Json;

namespace Portico.Schema;

/// <summary>
/// Compiles the keywords that apply other schemas to the same value: allOf, anyOf, oneOf, not,
/// if/then/else, dependentSchemas (and draft 7's dependencies), and propertyNames.
/// </summary>
internal static class ApplicatorKeywordCompiler
{
    public static bool Handles(string name) => name is "allOf" or "anyOf" or "oneOf" or "not" or "dependentSchemas" or "dependencies" or "propertyNames";

    public static SchemaNode? Compile(SchemaCompilation compilation, string name, JsonElement value, SchemaLocation at, int depth)
    {
        switch (name)
        {
            case "allOf" or "anyOf" or "oneOf" when value.ValueKind == JsonValueKind.Array && value.GetArrayLength() > 0:
                var branches = value.EnumerateArray()
                    .Select((branch, index) => compilation.Compile(branch, at.Append(index), depth + 1))
                    .ToList();
                return name switch
                {
                    "allOf" => new AllOfNode(branches),
                    "anyOf" => new AnyOfNode(branches),
                    _ => new OneOfNode(branches),
                };
            case "not":
                return new NotNode(compilation.Compile(value, at, depth + 1));
            case "propertyNames":
                return new PropertyNamesNode(compilation.Compile(value, at, depth + 1));
            case "dependentSchemas" when value.ValueKind == JsonValueKind.Object:
                return Dependencies(compilation, value, at, depth, allowNames: false);
            case "dependencies" when value.ValueKind == JsonValueKind.Object:
                // Draft 7's form, still common in generated tool schemas: names or a schema per property.
                return Dependencies(compilation, value, at, depth, allowNames: true);
            default:
                compilation.Issue(at, name, name is "dependentSchemas" or "dependencies" ? "must be an object of schemas" : "must be a non-empty array of schemas");
                return null;
        }
    }

    public static ConditionalNode? Conditional(SchemaCompilation compilation, JsonElement schema, SchemaLocation at, int depth)
    {
        // then/else without if never apply (the specification makes them annotations-only).
        if (!schema.TryGetProperty("if", out var condition))
        {
            return null;
        }

        SchemaNode? Branch(string name) =>
            schema.TryGetProperty(name, out var branch) ? compilation.Compile(branch, at.Append(name), depth + 1) : null;

        return new ConditionalNode(compilation.Compile(condition, at.Append("if"), depth + 1), Branch("then"), Branch("else"));
    }

    private static DependentSchemasNode Dependencies(SchemaCompilation compilation, JsonElement value, SchemaLocation at, int depth, bool allowNames)
    {
        var schemas = new List<(string Name, SchemaNode Schema)>();
        var required = new List<(string Name, string[] Required)>();
        foreach (var entry in value.EnumerateObject())
        {
            if (allowNames && entry.Value.ValueKind == JsonValueKind.Array)
            {
                if (ValueKeywordCompiler.StringArray(entry.Value) is { } names)
                {
                    required.Add((entry.Name, names));
                }
                else
                {
                    compilation.Issue(at.Append(entry.Name), "dependencies", "must be an array of property names or a schema");
                }
            }
            else
            {
                schemas.Add((entry.Name, compilation.Compile(entry.Value, at.Append(entry.Name), depth + 1)));
            }
        }

        return new DependentSchemasNode(schemas, required.Count == 0 ? null : new DependentRequiredNode(required));
    }
}
