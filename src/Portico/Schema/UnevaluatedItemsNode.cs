using System.Text.Json;

namespace Portico.Schema;

/// <summary>
/// <c>unevaluatedItems</c>: the items no other keyword of this schema (prefixItems, items, contains,
/// or in-place subschemas that passed) evaluated must match this schema.
/// </summary>
internal sealed class UnevaluatedItemsNode(SchemaNode schema) : SchemaNode
{
    public override void Validate(JsonElement instance, ValidationContext context)
    {
        if (instance.ValueKind != JsonValueKind.Array || context.Annotations is not { } evaluated)
        {
            return;
        }

        var index = 0;
        foreach (var item in instance.EnumerateArray())
        {
            if (!evaluated.HasItem(index))
            {
                if (ReferenceEquals(schema, BooleanSchemaNode.False))
                {
                    context.ReportAt(PathSegment.Item(index), "no unevaluated items", "an unexpected item",
                        "is not allowed (no schema here covers this position); remove it.");
                }
                else
                {
                    context.ValidateChild(schema, item, PathSegment.Item(index));
                }
            }

            index++;
        }

        evaluated.AddAllItems();
    }
}
