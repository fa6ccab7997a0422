using System.Text.Json;

namespace Portico.Schema;

/// <summary>
/// A schema compiled by <see cref="JsonSchemaCompiler"/>; thread-safe and reusable. Validation
/// never throws: every failure, including inputs too deep to check, comes back as a violation.
/// </summary>
internal sealed class CompiledSchema
{
    private readonly SchemaNode _root;

    internal CompiledSchema(SchemaNode root)
    {
        _root = root;
    }

    /// <summary>Every violation of the instance, in a deterministic order (empty when valid).</summary>
    public IReadOnlyList<SchemaViolation> Validate(JsonElement instance)
    {
        var context = new ValidationContext();
        _root.Validate(instance, context);
        return context.Violations;
    }
}
