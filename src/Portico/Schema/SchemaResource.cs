namespace Portico.Schema;

/// <summary>
/// A schema resource: a document root or a subschema with its own <c>$id</c>. It is the base for the
/// references inside it and a step of the dynamic scope that <c>$dynamicRef</c> searches.
/// </summary>
internal sealed class SchemaResource(string uri, SchemaLocation root)
{
    public string Uri { get; } = uri;

    public SchemaLocation Root { get; } = root;

    /// <summary>The <c>$dynamicAnchor</c>s this resource defines, bound once compiled.</summary>
    public Dictionary<string, SchemaNode> DynamicAnchors { get; } = new(StringComparer.Ordinal);
}
