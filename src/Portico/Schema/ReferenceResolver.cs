using System.Text.Json;

namespace Portico.Schema;

/// <summary>
/// Binds <c>$ref</c>/<c>$dynamicRef</c> once the schema has been walked: the reference is resolved
/// against the base URI of the resource it sits in, then found as a resource (<c>$id</c>), a JSON
/// pointer inside one, or an anchor. Only the schema itself and the documents the caller supplied
/// are searched; a reference to anything else is a compile error naming it (nothing is fetched).
/// </summary>
internal sealed class ReferenceResolver(SchemaCompilation compilation)
{
    private readonly Queue<(ReferenceNode Node, int Depth)> _pending = new();
    private readonly List<ReferenceNode> _dynamic = [];
    private int _dynamicAnchorsCompiled;

    public void Queue(ReferenceNode node, int depth) => _pending.Enqueue((node, depth));

    /// <summary>Binds every queued reference, compiling targets not yet compiled (which may queue more).</summary>
    public void BindAll()
    {
        var registry = compilation.Registry;
        while (true)
        {
            while (_pending.TryDequeue(out var pending))
            {
                Bind(pending.Node, pending.Depth);
            }

            // Any $dynamicAnchor may become a $dynamicRef's target, so once one is dynamic all are compiled.
            if (!compilation.UsesDynamicScope || _dynamicAnchorsCompiled == registry.DynamicAnchors.Count)
            {
                break;
            }

            for (; _dynamicAnchorsCompiled < registry.DynamicAnchors.Count; _dynamicAnchorsCompiled++)
            {
                var (resource, name, location) = registry.DynamicAnchors[_dynamicAnchorsCompiled];
                if (JsonPointer.TryResolve(registry.Document(location.Document), location.Pointer, out var schema))
                {
                    resource.DynamicAnchors.TryAdd(name, compilation.Compile(schema, location, 1));
                }
            }
        }

        foreach (var node in _dynamic)
        {
            node.DynamicTargets.AddRange(registry.DynamicAnchors
                .Where(anchor => anchor.Name == node.DynamicAnchor)
                .Select(anchor => anchor.Resource.DynamicAnchors[anchor.Name]));
        }
    }

    private void Bind(ReferenceNode node, int depth)
    {
        var registry = compilation.Registry;
        var keyword = node.Dynamic ? "$dynamicRef" : "$ref";
        var baseUri = registry.ResourceAt(node.At).Uri;
        if (!SchemaUri.TryResolve(baseUri, node.Reference, out var uri, out var fragment))
        {
            compilation.Issue(node.At, keyword, $"'{node.Reference}' is not a URI reference that resolves against '{baseUri}'");
            return;
        }

        if (registry.Resource(uri) is not { } resource)
        {
            compilation.Issue(node.At, keyword,
                $"'{node.Reference}' refers to '{uri}', which is neither this schema nor a subschema with that $id (Portico never fetches remote schemas)");
            return;
        }

        var text = Uri.UnescapeDataString(fragment ?? "");
        SchemaLocation target;
        if (text.Length == 0 || text[0] == '/')
        {
            target = resource.Root with { Pointer = resource.Root.Pointer + text };
        }
        else if (registry.Anchor(resource, text) is { } anchored)
        {
            target = anchored;
        }
        else
        {
            compilation.Issue(node.At, keyword, $"'{node.Reference}' names the anchor '{text}', which no $anchor or $dynamicAnchor in '{resource.Uri}' defines");
            return;
        }

        if (!JsonPointer.TryResolve(registry.Document(target.Document), target.Pointer, out var schema))
        {
            compilation.Issue(node.At, keyword, $"target '{node.Reference}' does not exist in this schema");
            return;
        }

        node.Target = compilation.Compile(schema, target, depth + 1);
        if (node.Dynamic && text.Length > 0 && text[0] != '/'
            && schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("$dynamicAnchor", out var anchor)
            && anchor.ValueKind == JsonValueKind.String && anchor.GetString() == text)
        {
            node.DynamicAnchor = text;
            compilation.UsesDynamicScope = true;
            _dynamic.Add(node);
        }
    }
}
