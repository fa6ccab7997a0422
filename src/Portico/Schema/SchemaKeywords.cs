namespace Portico.Schema;

/// <summary>The keywords the compiler accepts without producing a check.</summary>
internal static class SchemaKeywords
{
    /// <summary>
    /// Annotation-only keywords: they describe a value but never constrain it, so accepting and
    /// ignoring them cannot let a bad argument through. <c>$id</c> and <c>format</c> are handled
    /// separately (root only; asserted for the formats we check).
    /// </summary>
    public static readonly HashSet<string> Annotations = new(StringComparer.Ordinal)
    {
        "$schema", "$comment", "title", "description", "default", "examples", "deprecated",
        "readOnly", "writeOnly", "contentMediaType", "contentEncoding",
        // MCP's annotation (SEP-2243): the argument also travels in an Mcp-Param-* header; a transport
        // instruction checked by the MCP endpoint, never a constraint on the value.
        "x-mcp-header",
    };
}
