namespace Portico.Schema;

/// <summary>
/// Remembers what a <c>$ref</c> target reported (violations, and evaluated locations when those are
/// tracked) at a given instance location during one validation. Locations get small integer ids only
/// when a memoised reference asks for one, so plain validations pay nothing beyond a list push per
/// child value.
/// </summary>
internal sealed class ReferenceMemo
{
    private const int Unassigned = -1;

    // Location ids along the current path; index 0 is the root, whose id is 0.
    private readonly List<int> _locations = [0];
    private readonly Dictionary<(int Parent, PathSegment Segment), int> _ids = [];
    private readonly Dictionary<(SchemaNode Target, int Location, int Scope), (SchemaViolation[] Violations, EvaluatedLocations? Evaluated)> _results = [];

    public void Enter() => _locations.Add(Unassigned);

    public void Leave() => _locations.RemoveAt(_locations.Count - 1);

    /// <summary>The id of the current location (the end of <paramref name="path"/>), assigned on demand.</summary>
    public int Location(IReadOnlyList<PathSegment> path)
    {
        var first = _locations.Count - 1;
        while (_locations[first] == Unassigned)
        {
            first--;
        }

        for (var i = first + 1; i < _locations.Count; i++)
        {
            var key = (_locations[i - 1], path[i - 1]);
            if (!_ids.TryGetValue(key, out var id))
            {
                id = _ids.Count + 1;
                _ids[key] = id;
            }

            _locations[i] = id;
        }

        return _locations[^1];
    }

    /// <param name="target">The schema the reference leads to.</param>
    /// <param name="location">The instance location, from <see cref="Location"/>.</param>
    /// <param name="scope">The dynamic scope's id (0 when $dynamicRef is not used), since it can change what a schema means.</param>
    /// <param name="result">The violations and evaluated locations recorded for that combination.</param>
    public bool TryGet(SchemaNode target, int location, int scope, out (SchemaViolation[] Violations, EvaluatedLocations? Evaluated) result) =>
        _results.TryGetValue((target, location, scope), out result);

    public void Store(SchemaNode target, int location, int scope, SchemaViolation[] violations, EvaluatedLocations? evaluated) =>
        _results[(target, location, scope)] = (violations, evaluated);
}
