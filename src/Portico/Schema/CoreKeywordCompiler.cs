using System.Text.Json;

namespace Portico.Schema;

/// <summary>
/// The core keywords: references, the <c>$defs</c> containers, and the identifiers the registry has
/// already indexed (checked here only for their type). Definitions are compiled even when unused,
/// so a broken one is reported where it is rather than when a later change first uses it.
/// </summary>
internal static class CoreKeywordCompiler
{
    public static SchemaNode? Compile(SchemaCompilation compilation, string name, JsonElement value, SchemaLocation at, int depth)
    {
        switch (name)
        {
            case "$ref" or "$dynamicRef" when value.ValueKind == JsonValueKind.String:
                var node = new ReferenceNode(at, value.GetString()!, dynamic: name == "$dynamicRef");
                compilation.QueueReference(node, depth);
                return node;
            case "$defs" or "definitions" when value.ValueKind == JsonValueKind.Object:
                foreach (var definition in value.EnumerateObject())
                {
                    compilation.Compile(definition.Value, at.Append(definition.Name), depth + 1);
                }

                return null;
            case "$defs" or "definitions":
                compilation.Issue(at, name, "must be an object of schemas");
                return null;
            case "$vocabulary" when value.ValueKind != JsonValueKind.Object:
                compilation.Issue(at, name, "must be an object");
                return null;
            case "$ref" or "$dynamicRef" or "$id" or "$schema" or "$comment" when value.ValueKind != JsonValueKind.String:
                compilation.Issue(at, name, "must be a string");
                return null;
            default:
                return null; // $id, $anchor, $dynamicAnchor: indexed by the registry, which reports bad ones
        }
    }
}
