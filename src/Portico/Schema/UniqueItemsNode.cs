using System.Text.Json;

namespace Portico.Schema;

/// <summary>
/// <c>uniqueItems: true</c>, by JSON equality. Items are bucketed by hash so a long array costs
/// linear time, not a comparison of every pair.
/// </summary>
internal sealed class UniqueItemsNode : SchemaNode
{
    public override void Validate(JsonElement instance, ValidationContext context)
    {
        if (instance.ValueKind != JsonValueKind.Array)
        {
            return;
        }

        var seen = new Dictionary<int, List<(int Index, JsonElement Item)>>();
        var index = 0;
        foreach (var item in instance.EnumerateArray())
        {
            var hash = JsonEquality.Hash(item);
            if (!seen.TryGetValue(hash, out var bucket))
            {
                seen[hash] = bucket = [];
            }

            foreach (var (earlier, other) in bucket)
            {
                if (JsonEquality.Equal(item, other))
                {
                    var received = $"items [{earlier}] and [{index}] are equal";
                    context.Report("unique items", received, $"must contain unique items, but {received}.");
                    return;
                }
            }

            bucket.Add((index, item));
            index++;
        }
    }
}
