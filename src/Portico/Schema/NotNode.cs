using System.Text.Json;

namespace Portico.Schema;

/// <summary>The <c>not</c> keyword: the inner schema's own violations are what makes this pass.</summary>
internal sealed class NotNode(SchemaNode schema) : SchemaNode
{
    public override IEnumerable<SchemaNode> InPlaceChildren => [schema];

    public override void Validate(JsonElement instance, ValidationContext context)
    {
        // Annotations under 'not' never count: it passes only when its schema fails.
        var mark = context.Mark;
        var annotations = context.Annotations;
        context.Annotations = null;
        var matched = context.ValidateBranch(schema, instance);
        context.Annotations = annotations;
        if (!matched)
        {
            context.TakeSince(mark);
            return;
        }

        var received = InstanceText.Preview(instance);
        context.Report("a value not matching the schema under 'not'", received,
            $"must not match the schema under 'not', got {received}.");
    }
}
