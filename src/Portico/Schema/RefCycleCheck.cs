namespace Portico.Schema;

/// <summary>
/// Rejects <c>$ref</c> loops that never move to a child value, e.g. <c>a: {$ref: b}</c> with
/// <c>b: {anyOf: [{$ref: a}]}</c>. Such a schema never terminates (and with anyOf would branch
/// exponentially before the depth guard stopped it), so it is refused at compile time.
/// Recursion through properties or items is fine: each step consumes a level of the instance.
/// </summary>
internal static class RefCycleCheck
{
    public static void Run(IEnumerable<SchemaNode> roots, SchemaCompilation compilation)
    {
        var state = new Dictionary<SchemaNode, bool>(ReferenceEqualityComparer.Instance); // false: on the path, true: done
        var path = new List<SchemaNode>();
        var iterators = new Stack<IEnumerator<SchemaNode>>();
        foreach (var root in roots.ToList())
        {
            if (state.ContainsKey(root))
            {
                continue;
            }

            state[root] = false;
            path.Add(root);
            iterators.Push(root.InPlaceChildren.GetEnumerator());
            while (iterators.Count > 0)
            {
                var children = iterators.Peek();
                if (!children.MoveNext())
                {
                    iterators.Pop().Dispose();
                    state[path[^1]] = true;
                    path.RemoveAt(path.Count - 1);
                    continue;
                }

                var child = children.Current;
                if (!state.TryGetValue(child, out var done))
                {
                    state[child] = false;
                    path.Add(child);
                    iterators.Push(child.InPlaceChildren.GetEnumerator());
                }
                else if (!done)
                {
                    var cycle = path.Skip(path.IndexOf(child)).OfType<ReferenceNode>().FirstOrDefault();
                    compilation.Issue(cycle?.At ?? new SchemaLocation(0, ""), cycle is { Dynamic: true } ? "$dynamicRef" : "$ref",
                        "circular reference that never descends into the value");
                }
            }
        }
    }
}
