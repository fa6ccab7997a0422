using System.Text.Json;

namespace Portico.Schema;

/// <summary>The <c>const</c> keyword, with JSON equality (1 equals 1.0, member order ignored).</summary>
internal sealed class ConstNode(JsonElement expected) : SchemaNode
{
    private readonly string _expected = "exactly " + SchemaText.Literal(expected);

    public override void Validate(JsonElement instance, ValidationContext context)
    {
        if (!JsonEquality.Equal(instance, expected))
        {
            var received = InstanceText.Preview(instance);
            context.Report(_expected, received, $"must be {_expected}, got {received}.");
        }
    }
}
