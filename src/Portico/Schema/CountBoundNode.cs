using System.Text.Json;

namespace Portico.Schema;

/// <summary>
/// The size keywords: minLength/maxLength (Unicode code points, not UTF-16 units), minItems/maxItems
/// and minProperties/maxProperties. They differ only in what they count and what they call it.
/// </summary>
internal sealed class CountBoundNode : SchemaNode
{
    private readonly long _limit;
    private readonly bool _isMinimum;
    private readonly JsonValueKind _kind;
    private readonly string _singular;
    private readonly string _plural;
    private readonly string _expected;

    public CountBoundNode(long limit, bool isMinimum, JsonValueKind kind)
    {
        _limit = limit;
        _isMinimum = isMinimum;
        _kind = kind;
        (_singular, _plural) = kind switch
        {
            JsonValueKind.String => ("character", "characters"),
            JsonValueKind.Array => ("item", "items"),
            _ => ("property", "properties"),
        };
        _expected = $"{(isMinimum ? "at least" : "at most")} {InstanceText.Count(limit, _singular, _plural)}";
    }

    public override void Validate(JsonElement instance, ValidationContext context)
    {
        if (instance.ValueKind != _kind)
        {
            return;
        }

        long count = _kind switch
        {
            JsonValueKind.String => InstanceText.CodePointCount(instance.GetString() ?? ""),
            JsonValueKind.Array => instance.GetArrayLength(),
            _ => instance.GetPropertyCount(),
        };
        if (_isMinimum ? count < _limit : count > _limit)
        {
            var received = InstanceText.Count(count, _singular, _plural);
            context.Report(_expected, received, $"must have {_expected}, got {received}.");
        }
    }
}
