using System.Text.Json;

namespace Portico.Schema;

/// <summary>
/// Binds <c>$ref</c>s once the schema has been walked. Only references into this document are
/// supported: <c>#</c>, <c>#/json/pointer</c> (percent- and ~-escaped), and the same behind the
/// root's own <c>$id</c>. Remote URLs, anchors and <c>$id</c>-relative URIs are reported instead
/// of guessed at, since tool schemas are meant to be self-contained.
/// </summary>
internal sealed class ReferenceResolver(SchemaCompilation compilation, JsonElement root)
{
    private readonly Queue<(RefNode Node, string Reference, int Depth)> _pending = new();
    private readonly string? _rootId = RootId(root);

    public void Queue(RefNode node, string reference, int depth) => _pending.Enqueue((node, reference, depth));

    /// <summary>Binds every queued reference, compiling targets not yet compiled (which may queue more).</summary>
    public void BindAll()
    {
        while (_pending.TryDequeue(out var pending))
        {
            var (node, reference, depth) = pending;
            if (ToPointer(reference, node.Pointer) is not { } pointer)
            {
                continue;
            }

            if (!JsonPointer.TryResolve(root, pointer, out var target))
            {
                compilation.Issue(node.Pointer, "$ref", $"target '{reference}' does not exist in this schema");
                continue;
            }

            node.Target = compilation.Compile(target, pointer, depth + 1);
        }
    }

    private string? ToPointer(string reference, string at)
    {
        string fragment;
        if (reference.StartsWith('#'))
        {
            fragment = reference[1..];
        }
        else if (_rootId is not null && reference.StartsWith(_rootId, StringComparison.Ordinal)
            && (reference.Length == _rootId.Length || reference[_rootId.Length] == '#'))
        {
            fragment = reference.Length == _rootId.Length ? "" : reference[(_rootId.Length + 1)..];
        }
        else
        {
            compilation.Issue(at, "$ref", $"'{reference}' is not a local reference; only '#' and '#/...' pointers into this schema are supported");
            return null;
        }

        var pointer = Uri.UnescapeDataString(fragment);
        if (pointer.Length > 0 && pointer[0] != '/')
        {
            compilation.Issue(at, "$ref", $"'{reference}' refers to an anchor ($anchor), which is not supported");
            return null;
        }

        return pointer;
    }

    private static string? RootId(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("$id", out var id) || id.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        // "https://x/schema#" names the same resource as "https://x/schema".
        var text = id.GetString()!;
        return text.EndsWith('#') ? text[..^1] : text;
    }
}
