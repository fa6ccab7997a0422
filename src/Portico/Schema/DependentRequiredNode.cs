using System.Text.Json;

namespace Portico.Schema;

/// <summary><c>dependentRequired</c>: when a property is present, these others must be too.</summary>
internal sealed class DependentRequiredNode(IReadOnlyList<(string Name, string[] Required)> dependencies) : SchemaNode
{
    public override void Validate(JsonElement instance, ValidationContext context)
    {
        if (instance.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        foreach (var (name, required) in dependencies)
        {
            if (!instance.TryGetProperty(name, out _))
            {
                continue;
            }

            foreach (var other in required)
            {
                if (!instance.TryGetProperty(other, out _))
                {
                    var because = InstanceText.Quote(name, InstanceText.PreviewLength);
                    context.ReportAt(PathSegment.Property(other), $"required property (because {because} is present)", "missing",
                        $"is required when {because} is present, but missing.");
                }
            }
        }
    }
}
