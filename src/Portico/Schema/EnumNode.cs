using System.Text.Json;

namespace Portico.Schema;

/// <summary>
/// The <c>enum</c> keyword, with JSON equality. Hashes are computed once at compile time so a long
/// enum costs one hash and a few comparisons per value.
/// </summary>
internal sealed class EnumNode : SchemaNode
{
    private readonly JsonElement[] _values;
    private readonly int[] _hashes;
    private readonly string _expected;

    public EnumNode(JsonElement[] values)
    {
        _values = values;
        _hashes = [.. values.Select(JsonEquality.Hash)];
        _expected = "one of " + SchemaText.LiteralList(values);
    }

    public override void Validate(JsonElement instance, ValidationContext context)
    {
        var hash = JsonEquality.Hash(instance);
        for (var i = 0; i < _values.Length; i++)
        {
            if (_hashes[i] == hash && JsonEquality.Equal(instance, _values[i]))
            {
                return;
            }
        }

        var received = InstanceText.Preview(instance);
        context.Report(_expected, received, $"must be {_expected}, got {received}.");
    }
}
