using System.Text.Json;

namespace Portico.Schema;

/// <summary>
/// The <c>type</c> keyword. "integer" accepts any number with a zero fraction (1.0, 1e400), as the
/// specification says, not only tokens without a decimal point.
/// </summary>
internal sealed class TypeNode(JsonTypes allowed, IReadOnlyList<string> names) : SchemaNode
{
    private readonly string _expected = Join(names, name => name);
    private readonly string _expectedPhrase = Join(names, InstanceText.WithArticle);

    public bool Accepts(JsonElement instance) => instance.ValueKind switch
    {
        JsonValueKind.Object => allowed.HasFlag(JsonTypes.Object),
        JsonValueKind.Array => allowed.HasFlag(JsonTypes.Array),
        JsonValueKind.String => allowed.HasFlag(JsonTypes.String),
        JsonValueKind.True or JsonValueKind.False => allowed.HasFlag(JsonTypes.Boolean),
        JsonValueKind.Null => allowed.HasFlag(JsonTypes.Null),
        JsonValueKind.Number => allowed.HasFlag(JsonTypes.Number)
            || (allowed.HasFlag(JsonTypes.Integer) && JsonNumber.From(instance).IsInteger),
        _ => false,
    };

    public override void Validate(JsonElement instance, ValidationContext context)
    {
        if (Accepts(instance))
        {
            return;
        }

        var received = InstanceText.TypeName(instance);
        var got = instance.ValueKind == JsonValueKind.Number && allowed.HasFlag(JsonTypes.Integer)
            ? $"a non-integer number {InstanceText.Preview(instance)}"
            : InstanceText.WithArticle(received);
        context.Report(_expected, received, $"must be {_expectedPhrase}, got {got}.");
    }

    private static string Join(IReadOnlyList<string> names, Func<string, string> format) => names.Count switch
    {
        0 => "nothing",
        1 => format(names[0]),
        _ => string.Join(", ", names.Take(names.Count - 1).Select(format)) + " or " + format(names[^1]),
    };
}
