using System.Text.Json;

namespace Portico.Schema;

/// <summary>
/// <c>dependentSchemas</c>: when a property is present, the whole object must also match a schema.
/// Draft 7's <c>dependencies</c> compiles here too, its name lists becoming a dependentRequired.
/// </summary>
internal sealed class DependentSchemasNode(IReadOnlyList<(string Name, SchemaNode Schema)> schemas, DependentRequiredNode? required) : SchemaNode
{
    public override IEnumerable<SchemaNode> InPlaceChildren => schemas.Select(entry => entry.Schema);

    public override void Validate(JsonElement instance, ValidationContext context)
    {
        if (instance.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        required?.Validate(instance, context);
        foreach (var (name, schema) in schemas)
        {
            if (instance.TryGetProperty(name, out _))
            {
                context.ValidateBranch(schema, instance);
            }
        }
    }
}
