using System.Text.Json;

namespace Portico.Schema;

/// <summary>
/// A <c>$ref</c>. The target is bound after the whole schema is compiled, which is what lets a
/// schema refer to itself (trees, linked lists) without compiling forever.
/// </summary>
internal sealed class RefNode(string pointer) : SchemaNode
{
    /// <summary>The JSON pointer of this <c>$ref</c> keyword, for compile errors.</summary>
    public string Pointer { get; } = pointer;

    public SchemaNode? Target { get; set; }

    public override IEnumerable<SchemaNode> InPlaceChildren => Target is null ? [] : [Target];

    public override void Validate(JsonElement instance, ValidationContext context)
    {
        if (Target is not null)
        {
            context.ValidateReference(Target, instance);
        }
    }
}
