using System.Text.Json;

namespace Portico.Schema;

/// <summary>
/// <c>$ref</c> and <c>$dynamicRef</c>. The target is bound after the whole schema is compiled, which
/// is what lets a schema refer to itself (trees, linked lists) without compiling forever. A
/// <c>$dynamicRef</c> whose static target carries the same <c>$dynamicAnchor</c> is rebound at
/// validation time to the outermost resource in the dynamic scope that defines that anchor.
/// </summary>
internal sealed class ReferenceNode(SchemaLocation at, string reference, bool dynamic) : SchemaNode
{
    /// <summary>Where this keyword is, for compile errors and as the base of the reference.</summary>
    public SchemaLocation At { get; } = at;

    public string Reference { get; } = reference;

    public bool Dynamic { get; } = dynamic;

    public SchemaNode? Target { get; set; }

    /// <summary>For a rebindable <c>$dynamicRef</c>: the anchor name, and every schema it could land on.</summary>
    public string? DynamicAnchor { get; set; }

    public List<SchemaNode> DynamicTargets { get; } = [];

    public override IEnumerable<SchemaNode> InPlaceChildren =>
        Target is null ? DynamicTargets : [Target, .. DynamicTargets];

    public override void Validate(JsonElement instance, ValidationContext context)
    {
        var target = DynamicAnchor is not null ? context.FindDynamicAnchor(DynamicAnchor) ?? Target : Target;
        if (target is not null)
        {
            context.ValidateReference(target, instance);
        }
    }
}
