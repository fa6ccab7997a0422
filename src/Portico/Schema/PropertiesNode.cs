using System.Text.Json;

namespace Portico.Schema;

/// <summary>
/// properties, patternProperties and additionalProperties together, because "additional" means
/// "matched by neither of the other two". <c>additionalProperties: false</c> gets its own wording
/// that lists the allowed names, which is what a model needs to fix a misspelt argument.
/// </summary>
internal sealed class PropertiesNode(
    IReadOnlyDictionary<string, SchemaNode> properties,
    IReadOnlyList<PatternProperty> patterns,
    SchemaNode? additional) : SchemaNode
{
    private readonly string _allowed = AllowedNames(properties.Keys, patterns);

    public override void Validate(JsonElement instance, ValidationContext context)
    {
        if (instance.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        foreach (var property in instance.EnumerateObject())
        {
            var segment = PathSegment.Property(property.Name);
            var matched = false;
            if (properties.TryGetValue(property.Name, out var schema))
            {
                matched = true;
                context.ValidateChild(schema, property.Value, segment);
            }

            foreach (var pattern in patterns)
            {
                switch (SchemaRegex.IsMatch(pattern.Regex, property.Name))
                {
                    case true:
                        matched = true;
                        context.ValidateChild(pattern.Schema, property.Value, segment);
                        break;
                    case null:
                        matched = true;
                        context.ReportAt(segment, "property name matching " + pattern.Pattern, "property name too complex",
                            $"has a name that could not be checked against the pattern {pattern.Pattern} in time.");
                        break;
                }
            }

            if (matched || additional is not null)
            {
                context.Annotations?.AddName(property.Name);
            }

            if (matched || additional is null)
            {
                continue;
            }

            if (ReferenceEquals(additional, BooleanSchemaNode.False))
            {
                var name = InstanceText.Quote(property.Name, InstanceText.PreviewLength);
                context.ReportAt(segment, "no additional properties", $"unexpected property {name}",
                    $"is not an allowed property{_allowed}; remove it or check its spelling.");
            }
            else
            {
                context.ValidateChild(additional, property.Value, segment);
            }
        }
    }

    private static string AllowedNames(IEnumerable<string> names, IReadOnlyList<PatternProperty> patterns)
    {
        var listed = names.Select(name => InstanceText.Quote(name, InstanceText.PreviewLength))
            .Concat(patterns.Select(pattern => $"names matching {pattern.Pattern}"))
            .ToList();
        return listed.Count == 0 ? " (no properties are allowed)" : $" (allowed: {InstanceText.Truncate(string.Join(", ", listed), 300)})";
    }
}
