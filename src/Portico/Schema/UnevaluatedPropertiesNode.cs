using System.Text.Json;

namespace Portico.Schema;

/// <summary>
/// <c>unevaluatedProperties</c>: the properties no other keyword of this schema (or of the schemas
/// it applies in place and that passed) evaluated must match this schema. Runs after its siblings,
/// reading the set its schema object opened.
/// </summary>
internal sealed class UnevaluatedPropertiesNode(SchemaNode schema) : SchemaNode
{
    public override void Validate(JsonElement instance, ValidationContext context)
    {
        if (instance.ValueKind != JsonValueKind.Object || context.Annotations is not { } evaluated)
        {
            return;
        }

        foreach (var property in instance.EnumerateObject())
        {
            if (evaluated.HasName(property.Name))
            {
                continue;
            }

            var segment = PathSegment.Property(property.Name);
            if (ReferenceEquals(schema, BooleanSchemaNode.False))
            {
                var name = InstanceText.Quote(property.Name, InstanceText.PreviewLength);
                context.ReportAt(segment, "no unevaluated properties", $"unexpected property {name}",
                    "is not an allowed property (no schema here declares it); remove it or check its spelling.");
            }
            else
            {
                context.ValidateChild(schema, property.Value, segment);
            }
        }

        evaluated.AddAllNames();
    }
}
