using System.Text.Json;

namespace Portico.Schema;

/// <summary>
/// The <c>allOf</c> keyword. Each branch reports straight into the result: the violations already
/// carry the instance path, so wrapping them in an "allOf failed" summary would only add noise.
/// </summary>
internal sealed class AllOfNode(IReadOnlyList<SchemaNode> branches) : SchemaNode
{
    public override IEnumerable<SchemaNode> InPlaceChildren => branches;

    public override void Validate(JsonElement instance, ValidationContext context)
    {
        foreach (var branch in branches)
        {
            context.ValidateBranch(branch, instance);
        }
    }
}
