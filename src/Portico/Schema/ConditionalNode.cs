using System.Text.Json;

namespace Portico.Schema;

/// <summary>
/// <c>if</c>/<c>then</c>/<c>else</c>. The <c>if</c> schema's own violations never surface: they only
/// choose which branch applies, and that branch's violations are reported as they are.
/// </summary>
internal sealed class ConditionalNode(SchemaNode condition, SchemaNode? then, SchemaNode? otherwise) : SchemaNode
{
    public override IEnumerable<SchemaNode> InPlaceChildren =>
        new[] { condition, then, otherwise }.OfType<SchemaNode>();

    public override void Validate(JsonElement instance, ValidationContext context)
    {
        var mark = context.Mark;
        if (context.ValidateBranch(condition, instance))
        {
            if (then is not null)
            {
                context.ValidateBranch(then, instance);
            }

            return;
        }

        context.TakeSince(mark);
        if (otherwise is not null)
        {
            context.ValidateBranch(otherwise, instance);
        }
    }
}
