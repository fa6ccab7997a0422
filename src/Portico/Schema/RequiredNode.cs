using System.Text.Json;

namespace Portico.Schema;

/// <summary>The <c>required</c> keyword: one violation per missing name, at that property's path.</summary>
internal sealed class RequiredNode(IReadOnlyList<string> names) : SchemaNode
{
    public override void Validate(JsonElement instance, ValidationContext context)
    {
        if (instance.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        foreach (var name in names)
        {
            if (!instance.TryGetProperty(name, out _))
            {
                context.ReportAt(PathSegment.Property(name), "required property", "missing", "is required but missing.");
            }
        }
    }
}
