using System.Text.Json;

namespace Portico.Schema;

/// <summary>
/// A schema compiled by <see cref="JsonSchemaCompiler"/>; thread-safe and reusable. Validation
/// never throws: every failure, including inputs too deep or too costly to check, comes back as a violation.
/// </summary>
internal sealed class CompiledSchema
{
    private readonly SchemaNode _root;
    private readonly bool _tracksDynamicScope;

    internal CompiledSchema(SchemaNode root, bool tracksDynamicScope, bool tracksAnnotations)
    {
        _root = root;
        _tracksDynamicScope = tracksDynamicScope;
        TracksAnnotations = tracksAnnotations;
    }

    /// <summary>
    /// Whether any schema here uses unevaluatedProperties/unevaluatedItems, decided at compile time.
    /// When false, no keyword ever records which properties or items it evaluated.
    /// </summary>
    public bool TracksAnnotations { get; }

    /// <summary>Every violation of the instance, in a deterministic order (empty when valid).</summary>
    public IReadOnlyList<SchemaViolation> Validate(JsonElement instance)
    {
        var context = new ValidationContext(_tracksDynamicScope);
        _root.Validate(instance, context);
        if (context.Exhausted)
        {
            // Checked here, not where the budget ran out: a branch (anyOf, not) could have swallowed it.
            context.Report($"at most {ValidationContext.MaxSteps} validation steps", "too complex to validate",
                "is too large or too complex to validate against this schema; send a smaller value.");
        }

        return context.Violations;
    }
}
