using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace Portico.Schema;

/// <summary>
/// The state of one validation: the violations so far, the path to the current value and the
/// depth guards. Depth is bounded twice, because inputs come from models and fuzzers: by instance
/// nesting, and by <c>$ref</c> hops taken without descending into a child value.
/// </summary>
internal sealed class ValidationContext
{
    public const int MaxDepth = 64;

    private readonly List<SchemaViolation> _violations = [];
    private readonly List<PathSegment> _path = [];
    private readonly ReferenceMemo _memo = new();
    private int _refHops;
    private int _branching;

    public IReadOnlyList<SchemaViolation> Violations => _violations;

    /// <summary>A mark to hand back to <see cref="TakeSince"/> when trying a branch.</summary>
    public int Mark => _violations.Count;

    /// <summary>Records a violation at the current value; <paramref name="predicate"/> completes
    /// a sentence whose subject is the path, e.g. "must be a boolean, got a string."</summary>
    public void Report(string expected, string received, string predicate) =>
        _violations.Add(Create(InstancePath.Format(_path), expected, received, predicate));

    /// <summary>Records a violation at a child of the current value, e.g. a missing property.</summary>
    public void ReportAt(PathSegment child, string expected, string received, string predicate) =>
        _violations.Add(Create(InstancePath.Format(_path, child), expected, received, predicate));

    /// <summary>Removes and returns the violations recorded since <paramref name="mark"/>.</summary>
    public List<SchemaViolation> TakeSince(int mark)
    {
        var taken = _violations.GetRange(mark, _violations.Count - mark);
        _violations.RemoveRange(mark, taken.Count);
        return taken;
    }

    /// <summary>
    /// Runs the branches of allOf/anyOf/oneOf/not. Inside them the same value can be reached once
    /// per branch, so <c>$ref</c> results are memoised (see <see cref="ValidateReference"/>).
    /// </summary>
    public void ValidateBranch(SchemaNode branch, JsonElement instance)
    {
        _branching++;
        branch.Validate(instance, this);
        _branching--;
    }

    public void ValidateChild(SchemaNode node, JsonElement child, PathSegment segment)
    {
        _path.Add(segment);
        _memo.Enter();
        var hops = _refHops;
        _refHops = 0;
        if (_path.Count > MaxDepth || !RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            Report($"at most {MaxDepth} levels of nesting", "nesting too deep",
                $"is nested too deep to validate (the limit is {MaxDepth} levels); send a flatter value.");
        }
        else
        {
            node.Validate(child, this);
        }

        _refHops = hops;
        _memo.Leave();
        _path.RemoveAt(_path.Count - 1);
    }

    /// <summary>
    /// Follows a <c>$ref</c>. Under a branching keyword the result for this target at this value is
    /// memoised: two oneOf alternatives that both recurse into the same children would otherwise
    /// double the work at every level, 2^64 evaluations at the depth limit.
    /// </summary>
    public void ValidateReference(SchemaNode target, JsonElement instance)
    {
        if (_refHops >= MaxDepth || !RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            Report($"at most {MaxDepth} nested schema references", "nesting too deep",
                $"is nested too deep to validate (more than {MaxDepth} schema references); send a simpler value.");
            return;
        }

        var location = _branching > 0 ? _memo.Location(_path) : -1;
        if (location >= 0 && _memo.TryGet(target, location, out var known))
        {
            _violations.AddRange(known);
            return;
        }

        var mark = Mark;
        _refHops++;
        target.Validate(instance, this);
        _refHops--;
        if (location >= 0)
        {
            _memo.Store(target, location, CollectionsMarshal.AsSpan(_violations)[mark..].ToArray());
        }
    }

    private static SchemaViolation Create(string path, string expected, string received, string predicate) =>
        new(path, expected, received, $"{(path.Length == 0 ? "The input" : path)} {predicate}");
}
