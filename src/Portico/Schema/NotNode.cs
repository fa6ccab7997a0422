using System.Text.Json;

namespace Portico.Schema;

/// <summary>The <c>not</c> keyword: the inner schema's own violations are what makes this pass.</summary>
internal sealed class NotNode(SchemaNode schema) : SchemaNode
{
    public override IEnumerable<SchemaNode> InPlaceChildren => [schema];

    public override void Validate(JsonElement instance, ValidationContext context)
    {
        var mark = context.Mark;
        context.ValidateBranch(schema, instance);
        if (context.Mark != mark)
        {
            context.TakeSince(mark);
            return;
        }

        var received = InstanceText.Preview(instance);
        context.Report("a value not matching the schema under 'not'", received,
            $"must not match the schema under 'not', got {received}.");
    }
}
