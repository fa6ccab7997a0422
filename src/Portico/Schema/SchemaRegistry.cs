using System.Text.Json;
using System.Text.RegularExpressions;

namespace Portico.Schema;

/// <summary>
/// The schema documents of one compilation and what identifies places in them: resources by URI
/// (<c>$id</c>, resolved against the enclosing base), <c>$anchor</c>/<c>$dynamicAnchor</c> names, and
/// the resource each subschema belongs to. Documents other than the root come only from the
/// caller's <c>documents</c> (nothing is fetched), and are loaded when a reference first needs them.
/// </summary>
internal sealed partial class SchemaRegistry(SchemaCompilation compilation, IReadOnlyDictionary<string, JsonElement> available)
{
    /// <summary>A document of this earlier draft (e.g. a remote one a 2020-12 schema refers to) keeps that draft's keywords.</summary>
    private const string Draft201909MetaSchema = "https://json-schema.org/draft/2019-09/schema";

    private readonly List<(JsonElement Root, string Uri, SchemaVocabularies Vocabularies)> _documents = [];
    private readonly Dictionary<string, SchemaResource> _resources = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SchemaLocation> _anchors = new(StringComparer.Ordinal);
    private readonly Dictionary<SchemaLocation, SchemaResource> _resourceAt = [];

    /// <summary>Every <c>$dynamicAnchor</c>, for binding once <c>$dynamicRef</c> is known to be used.</summary>
    public List<(SchemaResource Resource, string Name, SchemaLocation Location)> DynamicAnchors { get; } = [];

    public JsonElement Document(int index) => _documents[index].Root;

    public string DocumentUri(int index) => _documents[index].Uri;

    public SchemaVocabularies Vocabularies(int document) => _documents[document].Vocabularies;

    /// <summary>Adds a document and indexes its resources and anchors; returns its index.</summary>
    public int Load(JsonElement root, string uri)
    {
        var index = _documents.Count;
        _documents.Add((root, uri, SchemaVocabularies.All));
        Walk(root, new SchemaLocation(index, ""), null, uri, 0);
        _documents[index] = (root, uri, VocabulariesOf(root, new SchemaLocation(index, "")));
        return index;
    }

    /// <summary>The resource with this absolute URI (no fragment), loading an available document on demand.</summary>
    public SchemaResource? Resource(string uri)
    {
        if (!_resources.TryGetValue(uri, out var resource) && available.TryGetValue(uri, out var document))
        {
            Load(document, uri);
            _resources.TryGetValue(uri, out resource);
        }

        return resource;
    }

    public SchemaLocation? Anchor(SchemaResource resource, string name) =>
        _anchors.TryGetValue(resource.Uri + "#" + name, out var location) ? location : null;

    /// <summary>The resource a subschema belongs to: its own, or the nearest enclosing one.</summary>
    public SchemaResource ResourceAt(SchemaLocation location)
    {
        var pointer = location.Pointer;
        while (true)
        {
            if (_resourceAt.TryGetValue(location with { Pointer = pointer }, out var resource))
            {
                return resource;
            }

            pointer = pointer[..Math.Max(0, pointer.LastIndexOf('/'))];
        }
    }

    private void Walk(JsonElement schema, SchemaLocation at, SchemaResource? resource, string documentUri, int depth)
    {
        if (depth > SchemaCompilation.MaxSchemaDepth || schema.ValueKind != JsonValueKind.Object)
        {
            if (resource is null)
            {
                Register(new SchemaResource(documentUri, at), documentUri, at);
            }

            return; // Compile reports the depth; a boolean schema defines nothing.
        }

        var baseUri = resource?.Uri ?? documentUri;
        if (schema.TryGetProperty("$id", out var id) && id.ValueKind == JsonValueKind.String)
        {
            if (!SchemaUri.TryResolve(baseUri, id.GetString()!, out var uri, out var fragment) || fragment is { Length: > 0 })
            {
                compilation.Issue(at.Append("$id"), "$id", "must be a URI reference without a fragment");
            }
            else if (uri != baseUri || resource is null)
            {
                resource = new SchemaResource(uri, at);
                Register(resource, uri, at);
                if (at.Pointer.Length == 0 && uri != documentUri)
                {
                    _resources.TryAdd(documentUri, resource);
                }
            }
        }

        if (resource is null)
        {
            resource = new SchemaResource(documentUri, at);
            Register(resource, documentUri, at);
        }

        _resourceAt[at] = resource;
        AddAnchor(schema, at, resource, "$anchor");
        if (AddAnchor(schema, at, resource, "$dynamicAnchor") is { } dynamicName)
        {
            DynamicAnchors.Add((resource, dynamicName, at));
        }

        foreach (var member in schema.EnumerateObject())
        {
            var child = at.Append(member.Name);
            var value = member.Value;
            if (SchemaKeywords.HoldsSchemaArray(member.Name) && value.ValueKind == JsonValueKind.Array)
            {
                var index = 0;
                foreach (var item in value.EnumerateArray())
                {
                    Walk(item, child.Append(index++), resource, documentUri, depth + 1);
                }
            }
            else if (SchemaKeywords.HoldsSchemaMap(member.Name) && value.ValueKind == JsonValueKind.Object)
            {
                foreach (var entry in value.EnumerateObject())
                {
                    Walk(entry.Value, child.Append(entry.Name), resource, documentUri, depth + 1);
                }
            }
            else if (SchemaKeywords.HoldsSchema(member.Name))
            {
                Walk(value, child, resource, documentUri, depth + 1);
            }
        }
    }

    private void Register(SchemaResource resource, string uri, SchemaLocation at)
    {
        if (!_resources.TryAdd(uri, resource))
        {
            compilation.Issue(at, "$id", $"'{uri}' identifies two different schemas");
        }

        _resourceAt.TryAdd(at, resource);
    }

    private string? AddAnchor(JsonElement schema, SchemaLocation at, SchemaResource resource, string keyword)
    {
        if (!schema.TryGetProperty(keyword, out var anchor))
        {
            return null;
        }

        var name = anchor.ValueKind == JsonValueKind.String ? anchor.GetString()! : null;
        if (name is null || !AnchorName().IsMatch(name))
        {
            compilation.Issue(at.Append(keyword), keyword, "must be a name: a letter or underscore, then letters, digits, '-', '_' or '.'");
            return null;
        }

        if (_anchors.TryGetValue(resource.Uri + "#" + name, out var existing) && existing != at)
        {
            compilation.Issue(at.Append(keyword), keyword, $"'{name}' is defined twice in '{resource.Uri}'");
            return null;
        }

        _anchors[resource.Uri + "#" + name] = at;
        return name;
    }

    /// <summary>
    /// The vocabularies in force for a document, from its meta-schema's <c>$vocabulary</c> when that
    /// meta-schema is available; otherwise all of 2020-12. A required vocabulary we do not know makes
    /// the schema unusable (the specification says to refuse it rather than guess).
    /// </summary>
    private SchemaVocabularies VocabulariesOf(JsonElement root, SchemaLocation at)
    {
        if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("$schema", out var declared)
            && declared.ValueKind == JsonValueKind.String && declared.GetString()!.TrimEnd('#') == Draft201909MetaSchema)
        {
            return SchemaVocabularies.All | SchemaVocabularies.Draft201909;
        }

        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("$schema", out var schemaUri)
            || schemaUri.ValueKind != JsonValueKind.String
            || !SchemaUri.TryResolve(SchemaUri.DefaultBase, schemaUri.GetString()!, out var uri, out _)
            || uri == _documents[at.Document].Uri
            || Resource(uri) is not { } meta
            || !JsonPointer.TryResolve(Document(meta.Root.Document), meta.Root.Pointer, out var metaSchema)
            || metaSchema.ValueKind != JsonValueKind.Object
            || !metaSchema.TryGetProperty("$vocabulary", out var vocabulary) || vocabulary.ValueKind != JsonValueKind.Object)
        {
            return SchemaVocabularies.All;
        }

        var enabled = SchemaVocabularies.None;
        foreach (var entry in vocabulary.EnumerateObject())
        {
            if (SchemaKeywords.Known.TryGetValue(entry.Name, out var flag))
            {
                enabled |= flag;
            }
            else if (entry.Value.ValueKind == JsonValueKind.True)
            {
                compilation.Issue(at.Append("$schema"), "$schema", $"its meta-schema requires the vocabulary '{entry.Name}', which Portico does not know");
            }
        }

        return enabled;
    }

    [GeneratedRegex("^[A-Za-z_][-A-Za-z0-9._]*$")]
    private static partial Regex AnchorName();
}
