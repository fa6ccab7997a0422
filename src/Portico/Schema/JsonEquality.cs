using System.Text.Json;

namespace Portico.Schema;

/// <summary>
/// JSON Schema's notion of equal instances, used by enum, const and uniqueItems: structural, with
/// numbers compared by value (1 == 1.0) and object members in any order. Iterative, so deeply
/// nested values cannot overflow the stack.
/// </summary>
internal static class JsonEquality
{
    // Hashing stops here; equal values still hash equal, deeper differences only share a bucket.
    private const int HashDepth = 8;

    public static bool Equal(JsonElement left, JsonElement right)
    {
        var pending = new Stack<(JsonElement Left, JsonElement Right)>();
        pending.Push((left, right));
        while (pending.Count > 0)
        {
            var (a, b) = pending.Pop();
            if (!ShallowEqual(a, b))
            {
                return false;
            }

            if (a.ValueKind == JsonValueKind.Array)
            {
                using var bItems = b.EnumerateArray();
                foreach (var item in a.EnumerateArray())
                {
                    bItems.MoveNext();
                    pending.Push((item, bItems.Current));
                }
            }
            else if (a.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in a.EnumerateObject())
                {
                    if (!b.TryGetProperty(property.Name, out var other))
                    {
                        return false;
                    }

                    pending.Push((property.Value, other));
                }
            }
        }

        return true;
    }

    public static int Hash(JsonElement value) => Hash(value, 0);

    /// <summary>Kinds, scalar values and container sizes; children are compared by the caller.</summary>
    private static bool ShallowEqual(JsonElement a, JsonElement b)
    {
        if (a.ValueKind != b.ValueKind)
        {
            return false;
        }

        return a.ValueKind switch
        {
            JsonValueKind.String => string.Equals(a.GetString(), b.GetString(), StringComparison.Ordinal),
            JsonValueKind.Number => JsonNumber.From(a) == JsonNumber.From(b),
            JsonValueKind.Array => a.GetArrayLength() == b.GetArrayLength(),
            JsonValueKind.Object => a.GetPropertyCount() == b.GetPropertyCount(),
            _ => true,
        };
    }

    private static int Hash(JsonElement value, int depth)
    {
        var hash = new HashCode();
        hash.Add(value.ValueKind);
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                hash.Add(value.GetString(), StringComparer.Ordinal);
                break;
            case JsonValueKind.Number:
                hash.Add(JsonNumber.From(value));
                break;
            case JsonValueKind.Array:
                hash.Add(value.GetArrayLength());
                if (depth < HashDepth)
                {
                    foreach (var item in value.EnumerateArray())
                    {
                        hash.Add(Hash(item, depth + 1));
                    }
                }

                break;
            case JsonValueKind.Object:
                hash.Add(value.GetPropertyCount());
                if (depth < HashDepth)
                {
                    // Member order does not matter for equality, so combine members commutatively.
                    var members = 0;
                    foreach (var property in value.EnumerateObject())
                    {
                        members += HashCode.Combine(StringComparer.Ordinal.GetHashCode(property.Name), Hash(property.Value, depth + 1));
                    }

                    hash.Add(members);
                }

                break;
        }

        return hash.ToHashCode();
    }
}
