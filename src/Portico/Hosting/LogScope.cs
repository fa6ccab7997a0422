namespace Portico.Hosting;

/// <summary>
/// A one-property log scope that structured sinks see as a named property (e.g. <c>SessionId</c>). The value
/// goes through <see cref="LogValue.Safe"/>: scopes repeat on every line, so a raw header would multiply.
/// </summary>
internal sealed class LogScope(string name, string value) : IReadOnlyList<KeyValuePair<string, object?>>
{
    private readonly string _value = LogValue.Safe(value);

    public int Count => 1;

    public KeyValuePair<string, object?> this[int index] => index == 0
        ? new(name, _value)
        : throw new ArgumentOutOfRangeException(nameof(index));

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        yield return this[0];
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => $"{name}:{_value}";
}
