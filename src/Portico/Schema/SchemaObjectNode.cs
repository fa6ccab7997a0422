using System.Text.Json;

namespace Portico.Schema;

/// <summary>
/// A schema object: its <c>type</c> check, then its other keywords in the order the schema lists
/// them. A value of the wrong type gets only the type violation; the other keywords would mostly
/// repeat it ("not one of the enum values") and hide the fix the model needs to make.
/// </summary>
internal sealed class SchemaObjectNode(TypeNode? type, IReadOnlyList<SchemaNode> keywords) : SchemaNode
{
    public override IEnumerable<SchemaNode> InPlaceChildren => keywords;

    public override void Validate(JsonElement instance, ValidationContext context)
    {
        if (type is not null && !type.Accepts(instance))
        {
            type.Validate(instance, context);
            return;
        }

        foreach (var keyword in keywords)
        {
            keyword.Validate(instance, context);
        }
    }
}
