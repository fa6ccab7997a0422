using System.Text.Json;

namespace Portico.Schema;

/// <summary>
/// <c>contains</c> with <c>minContains</c> (default 1) and <c>maxContains</c>: how many items match
/// the schema. Items that do not match are not violations in themselves, so their reasons are
/// dropped and one count violation is reported.
/// </summary>
internal sealed class ContainsNode : SchemaNode
{
    private readonly SchemaNode _schema;
    private readonly long _minimum;
    private readonly long? _maximum;
    private readonly string _expected;

    public ContainsNode(SchemaNode schema, long minimum, long? maximum)
    {
        _schema = schema;
        _minimum = minimum;
        _maximum = maximum;
        var items = (long count) => InstanceText.Count(count, "matching item", "matching items");
        _expected = maximum is { } max
            ? (minimum == max ? $"exactly {items(max)}" : $"{(minimum > 0 ? $"{minimum} to " : "at most ")}{items(max)}")
            : $"at least {items(minimum)}";
    }

    public override void Validate(JsonElement instance, ValidationContext context)
    {
        if (instance.ValueKind != JsonValueKind.Array)
        {
            return;
        }

        long matches = 0;
        var index = 0;
        foreach (var item in instance.EnumerateArray())
        {
            if (context.Matches(_schema, item, PathSegment.Item(index)))
            {
                matches++;
                context.Annotations?.AddIndex(index);
            }

            index++;
        }

        if (matches < _minimum || matches > (_maximum ?? long.MaxValue))
        {
            var received = InstanceText.Count(matches, "matching item", "matching items");
            context.Report(_expected + " (contains)", received, $"must contain {_expected} (items that match the 'contains' schema), got {received}.");
        }
    }
}
