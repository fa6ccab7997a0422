using System.Text.Json;

namespace Portico.Schema;

/// <summary>
/// <c>propertyNames</c>: every property name, as a string, must match the schema. One violation per
/// bad name, at that property, since the name (not the value) is what the model must change.
/// </summary>
internal sealed class PropertyNamesNode(SchemaNode schema) : SchemaNode
{
    public override void Validate(JsonElement instance, ValidationContext context)
    {
        if (instance.ValueKind != JsonValueKind.Object || ReferenceEquals(schema, BooleanSchemaNode.True))
        {
            return;
        }

        // The names as JSON strings, in one small document rather than one per name.
        var names = JsonSerializer.SerializeToElement(
            instance.EnumerateObject().Select(property => property.Name).ToArray(), SchemaJson.Default.StringArray);
        foreach (var name in names.EnumerateArray())
        {
            var text = name.GetString()!;
            if (!context.Matches(schema, name, PathSegment.NameOf(text)))
            {
                var quoted = InstanceText.Quote(text, InstanceText.PreviewLength);
                context.ReportAt(PathSegment.Property(text), "a property name allowed by propertyNames", $"property name {quoted}",
                    $"has a name that the schema does not allow (propertyNames); rename or remove {quoted}.");
            }
        }
    }
}
