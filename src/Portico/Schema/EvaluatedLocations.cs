namespace Portico.Schema;

/// <summary>
/// The properties and items that keywords have evaluated at one instance location: the annotations
/// unevaluatedProperties/unevaluatedItems read. Only a schema that has one of those opens a set;
/// keywords elsewhere see none and record nothing.
/// </summary>
internal sealed class EvaluatedLocations
{
    private HashSet<string>? _names;
    private bool _allNames;
    private int _prefix;
    private HashSet<int>? _indexes;

    public void AddName(string name) => (_names ??= new HashSet<string>(StringComparer.Ordinal)).Add(name);

    public void AddAllNames() => _allNames = true;

    /// <summary>Items 0 to <paramref name="count"/> - 1 (prefixItems, items).</summary>
    public void AddPrefix(int count) => _prefix = Math.Max(_prefix, count);

    /// <summary>One item (contains matched it).</summary>
    public void AddIndex(int index) => (_indexes ??= []).Add(index);

    public void AddAllItems() => _prefix = int.MaxValue;

    public bool HasName(string name) => _allNames || (_names?.Contains(name) ?? false);

    public bool HasItem(int index) => index < _prefix || (_indexes?.Contains(index) ?? false);

    public void Merge(EvaluatedLocations other)
    {
        _allNames |= other._allNames;
        _prefix = Math.Max(_prefix, other._prefix);
        if (other._names is not null)
        {
            (_names ??= new HashSet<string>(StringComparer.Ordinal)).UnionWith(other._names);
        }

        if (other._indexes is not null)
        {
            (_indexes ??= []).UnionWith(other._indexes);
        }
    }
}
