using System.Text.Json;

namespace Portico.Schema;

/// <summary>
/// The <c>multipleOf</c> keyword, in exact decimal arithmetic: 0.3 is a multiple of 0.1 here,
/// which floating-point division gets wrong.
/// </summary>
internal sealed class MultipleOfNode(JsonElement divisor) : SchemaNode
{
    private readonly JsonNumber _divisor = JsonNumber.From(divisor);
    private readonly string _expected = "a multiple of " + SchemaText.Literal(divisor);

    public override void Validate(JsonElement instance, ValidationContext context)
    {
        if (instance.ValueKind == JsonValueKind.Number && !JsonNumber.From(instance).IsMultipleOf(_divisor))
        {
            var received = InstanceText.Preview(instance);
            context.Report(_expected, received, $"must be {_expected}, got {received}.");
        }
    }
}
