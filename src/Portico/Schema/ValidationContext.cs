using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace Portico.Schema;

/// <summary>
/// The state of one validation: the violations so far, the path to the current value, the
/// annotations unevaluated* need, the dynamic scope $dynamicRef needs, and the guards. Inputs come
/// from models and fuzzers, so work is bounded three ways: by instance nesting, by <c>$ref</c> hops
/// taken without descending into a child value, and by a total step budget.
/// </summary>
internal sealed class ValidationContext(bool tracksDynamicScope)
{
    public const int MaxDepth = 64;

    /// <summary>Child values and references followed per validation; far above any real tool call.</summary>
    public const int MaxSteps = 1_000_000;

    private readonly List<SchemaViolation> _violations = [];
    private readonly List<PathSegment> _path = [];
    private readonly ReferenceMemo _memo = new();
    // The dynamic scope, only when $dynamicRef needs it: the resources entered and an id for each distinct stack.
    private readonly List<SchemaResource>? _scope = tracksDynamicScope ? [] : null;
    private readonly List<int>? _scopeIds = tracksDynamicScope ? [0] : null;
    private Dictionary<(int Parent, SchemaResource Resource), int>? _scopeIdsByStep;
    private int _refHops;
    private int _branching;
    private int _steps;

    public IReadOnlyList<SchemaViolation> Violations => _violations;

    /// <summary>A mark to hand back to <see cref="TakeSince"/> when trying a branch.</summary>
    public int Mark => _violations.Count;

    /// <summary>Where keywords record what they evaluated here; null unless an enclosing schema has unevaluated*.</summary>
    public EvaluatedLocations? Annotations { get; set; }

    public bool TracksDynamicScope { get; } = tracksDynamicScope;

    private int ScopeId => _scopeIds is { Count: > 0 } ids ? ids[^1] : 0;

    /// <summary>True once the step budget ran out; the result then carries a violation saying so.</summary>
    public bool Exhausted => _steps > MaxSteps;

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
    /// Runs a branch of allOf/anyOf/oneOf/not/if. Inside them the same value can be reached once per
    /// branch, so <c>$ref</c> results are memoised (see <see cref="ValidateReference"/>). Returns
    /// whether the branch passed; its violations stay for the caller to keep or take. When
    /// annotations are collected, a branch's count only if it passed.
    /// </summary>
    public bool ValidateBranch(SchemaNode branch, JsonElement instance)
    {
        var mark = Mark;
        var outer = Annotations;
        var own = outer is null ? null : Annotations = new EvaluatedLocations();
        _branching++;
        branch.Validate(instance, this);
        _branching--;
        var passed = Mark == mark;
        if (own is not null)
        {
            Annotations = outer;
            if (passed)
            {
                outer!.Merge(own);
            }
        }

        return passed;
    }

    /// <summary>Whether a child value matches, without reporting anything (contains, propertyNames).</summary>
    public bool Matches(SchemaNode node, JsonElement child, PathSegment segment)
    {
        var mark = Mark;
        _branching++;
        ValidateChild(node, child, segment);
        _branching--;
        var passed = Mark == mark;
        _violations.RemoveRange(mark, _violations.Count - mark);
        return passed;
    }

    public void ValidateChild(SchemaNode node, JsonElement child, PathSegment segment)
    {
        if (++_steps > MaxSteps)
        {
            return;
        }

        _path.Add(segment);
        _memo.Enter();
        var hops = _refHops;
        _refHops = 0;
        var annotations = Annotations;
        Annotations = null; // a child value's annotations are its own schema's business
        if (_path.Count > MaxDepth || !RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            Report($"at most {MaxDepth} levels of nesting", "nesting too deep",
                $"is nested too deep to validate (the limit is {MaxDepth} levels); send a flatter value.");
        }
        else
        {
            node.Validate(child, this);
        }

        Annotations = annotations;
        _refHops = hops;
        _memo.Leave();
        _path.RemoveAt(_path.Count - 1);
    }

    /// <summary>
    /// Follows a <c>$ref</c>. Under a branching keyword the result for this target at this value is
    /// memoised: two oneOf alternatives that both recurse into the same children would otherwise
    /// double the work at every level, 2^64 evaluations at the depth limit. Where $dynamicRef is in
    /// play the result also depends on the dynamic scope, so that is part of the key.
    /// </summary>
    public void ValidateReference(SchemaNode target, JsonElement instance)
    {
        if (++_steps > MaxSteps)
        {
            return;
        }

        if (_refHops >= MaxDepth || !RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            Report($"at most {MaxDepth} nested schema references", "nesting too deep",
                $"is nested too deep to validate (more than {MaxDepth} schema references); send a simpler value.");
            return;
        }

        var location = _branching > 0 ? _memo.Location(_path) : -1;
        // A result stored without annotations cannot serve a caller that needs them (null means not recorded).
        if (location >= 0 && _memo.TryGet(target, location, ScopeId, out var known) && (known.Evaluated is not null || Annotations is null))
        {
            _violations.AddRange(known.Violations);
            if (known.Evaluated is not null)
            {
                Annotations?.Merge(known.Evaluated);
            }

            return;
        }

        var mark = Mark;
        var outer = Annotations;
        var own = location >= 0 && outer is not null ? Annotations = new EvaluatedLocations() : null;
        _refHops++;
        target.Validate(instance, this);
        _refHops--;
        if (own is not null)
        {
            Annotations = outer;
            outer!.Merge(own);
        }

        if (location >= 0)
        {
            _memo.Store(target, location, ScopeId, CollectionsMarshal.AsSpan(_violations)[mark..].ToArray(), own);
        }
    }

    /// <summary>Enters a schema resource unless it is already the innermost one; true when entered.</summary>
    public bool EnterResource(SchemaResource resource)
    {
        if (_scope is null || _scopeIds is null || (_scope.Count > 0 && ReferenceEquals(_scope[^1], resource)))
        {
            return false;
        }

        // Each distinct scope (this resource entered from that scope) gets a small id for the memo key.
        _scopeIdsByStep ??= [];
        var step = (ScopeId, resource);
        if (!_scopeIdsByStep.TryGetValue(step, out var id))
        {
            _scopeIdsByStep[step] = id = _scopeIdsByStep.Count + 1;
        }

        _scope.Add(resource);
        _scopeIds.Add(id);
        return true;
    }

    public void LeaveResource()
    {
        _scope!.RemoveAt(_scope.Count - 1);
        _scopeIds!.RemoveAt(_scopeIds.Count - 1);
    }

    /// <summary>The outermost schema in the dynamic scope with this <c>$dynamicAnchor</c>.</summary>
    public SchemaNode? FindDynamicAnchor(string name)
    {
        foreach (var resource in _scope ?? [])
        {
            if (resource.DynamicAnchors.TryGetValue(name, out var node))
            {
                return node;
            }
        }

        return null;
    }

    private static SchemaViolation Create(string path, string expected, string received, string predicate) =>
        new(path, expected, received, $"{(path.Length == 0 ? "The input" : path)} {predicate}");
}
