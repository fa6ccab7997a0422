using System.Text.Json;

namespace Portico.Schema;

/// <summary>
/// Compiles the keywords that apply other schemas to the same value (allOf, anyOf, oneOf, not,
/// $ref) and the $defs/definitions containers that hold reusable subschemas. Definitions are
/// compiled even when unused, so an unsupported keyword inside one is still reported.
/// </summary>
internal static class ApplicatorKeywordCompiler
{
    public static SchemaNode? Compile(SchemaCompilation compilation, string name, JsonElement value, string at, int depth)
    {
        switch (name)
        {
            case "allOf" or "anyOf" or "oneOf" when value.ValueKind == JsonValueKind.Array && value.GetArrayLength() > 0:
                var branches = value.EnumerateArray()
                    .Select((branch, index) => compilation.Compile(branch, JsonPointer.Append(at, index), depth + 1))
                    .ToList();
                return name switch
                {
                    "allOf" => new AllOfNode(branches),
                    "anyOf" => new AnyOfNode(branches),
                    _ => new OneOfNode(branches),
                };
            case "not":
                return new NotNode(compilation.Compile(value, at, depth + 1));
            case "$ref" when value.ValueKind == JsonValueKind.String:
                var node = new RefNode(at);
                compilation.QueueReference(node, value.GetString()!, depth);
                return node;
            case "$defs" or "definitions" when value.ValueKind == JsonValueKind.Object:
                foreach (var definition in value.EnumerateObject())
                {
                    compilation.Compile(definition.Value, JsonPointer.Append(at, definition.Name), depth + 1);
                }

                return null;
            default:
                compilation.Issue(at, name, name switch
                {
                    "$ref" => "must be a string",
                    "$defs" or "definitions" => "must be an object of schemas",
                    _ => "must be a non-empty array of schemas",
                });
                return null;
        }
    }
}
