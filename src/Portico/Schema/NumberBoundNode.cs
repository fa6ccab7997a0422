using System.Text.Json;

namespace Portico.Schema;

/// <summary>
/// minimum, maximum, exclusiveMinimum and exclusiveMaximum, compared exactly so that bounds and
/// values beyond double range (1e400) still order correctly.
/// </summary>
internal sealed class NumberBoundNode : SchemaNode
{
    private readonly JsonNumber _limit;
    private readonly bool _isMinimum;
    private readonly bool _exclusive;
    private readonly string _expected;

    public NumberBoundNode(JsonElement limit, bool isMinimum, bool exclusive)
    {
        _limit = JsonNumber.From(limit);
        _isMinimum = isMinimum;
        _exclusive = exclusive;
        var relation = (isMinimum, exclusive) switch
        {
            (true, false) => "at least",
            (true, true) => "greater than",
            (false, false) => "at most",
            (false, true) => "less than",
        };
        _expected = $"{relation} {SchemaText.Literal(limit)}";
    }

    public override void Validate(JsonElement instance, ValidationContext context)
    {
        if (instance.ValueKind != JsonValueKind.Number)
        {
            return;
        }

        var order = JsonNumber.From(instance).CompareTo(_limit);
        var ok = _isMinimum ? order > 0 || (order == 0 && !_exclusive) : order < 0 || (order == 0 && !_exclusive);
        if (!ok)
        {
            var received = InstanceText.Preview(instance);
            context.Report(_expected, received, $"must be {_expected}, got {received}.");
        }
    }
}
