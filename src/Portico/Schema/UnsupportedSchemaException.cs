namespace Portico.Schema;

/// <summary>
/// Thrown by <see cref="JsonSchemaCompiler.Compile"/> when a schema cannot be used: it is invalid
/// (a keyword with a value of the wrong kind, an invalid regular expression, a <c>$ref</c> to
/// nothing or in a loop that never reaches a value) or needs a document Portico does not have (it
/// never fetches one). Unknown keywords are not a reason: they are annotations. Each issue names
/// what is wrong and the JSON pointer where, so the schema's author can go straight to it.
/// </summary>
internal sealed class UnsupportedSchemaException : Exception
{
    public UnsupportedSchemaException(IReadOnlyList<SchemaIssue> issues)
        : base("Invalid JSON Schema: " + string.Join(", ", issues))
    {
        Issues = issues;
    }

    public IReadOnlyList<SchemaIssue> Issues { get; }
}
