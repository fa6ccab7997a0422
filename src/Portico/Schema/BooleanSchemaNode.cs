using System.Text.Json;

namespace Portico.Schema;

/// <summary>The boolean schemas: <c>true</c> accepts anything, <c>false</c> nothing.</summary>
internal sealed class BooleanSchemaNode : SchemaNode
{
    public static readonly BooleanSchemaNode True = new(true);
    public static readonly BooleanSchemaNode False = new(false);

    private readonly bool _accepts;

    private BooleanSchemaNode(bool accepts)
    {
        _accepts = accepts;
    }

    public override void Validate(JsonElement instance, ValidationContext context)
    {
        if (!_accepts)
        {
            var received = InstanceText.TypeName(instance);
            context.Report("no value (schema is false)", received,
                $"is not allowed here (its schema is false), got {InstanceText.WithArticle(received)}.");
        }
    }
}
