using System.Text.Json;

namespace Portico.Schema;

/// <summary>
/// prefixItems and items (the 2020-12 meaning: <c>items</c> covers the positions after
/// <c>prefixItems</c>). <c>items: false</c> caps the length, and reads best as one violation.
/// </summary>
internal sealed class ItemsNode(IReadOnlyList<SchemaNode> prefix, SchemaNode? rest) : SchemaNode
{
    public override void Validate(JsonElement instance, ValidationContext context)
    {
        if (instance.ValueKind != JsonValueKind.Array)
        {
            return;
        }

        var length = instance.GetArrayLength();
        if (context.Annotations is { } evaluated)
        {
            if (rest is null)
            {
                evaluated.AddPrefix(Math.Min(length, prefix.Count));
            }
            else
            {
                evaluated.AddAllItems();
            }
        }

        if (ReferenceEquals(rest, BooleanSchemaNode.False) && length > prefix.Count)
        {
            var expected = "at most " + InstanceText.Count(prefix.Count, "item", "items");
            var received = InstanceText.Count(length, "item", "items");
            context.Report(expected, received, $"must have {expected}, got {received}.");
        }

        var index = 0;
        foreach (var item in instance.EnumerateArray())
        {
            var schema = index < prefix.Count ? prefix[index] : rest;
            if (schema is null || (ReferenceEquals(schema, BooleanSchemaNode.False) && index >= prefix.Count))
            {
                break;
            }

            context.ValidateChild(schema, item, PathSegment.Item(index));
            index++;
        }
    }
}
