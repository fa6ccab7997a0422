namespace Portico.Schema;

/// <summary>
/// Thrown by <see cref="JsonSchemaCompiler.Compile"/> when a schema uses keywords this validator
/// does not implement (or gives a keyword a value it cannot use). Refusing is deliberate: silently
/// skipping a keyword would let through arguments the tool author meant to reject.
/// </summary>
internal sealed class UnsupportedSchemaException : Exception
{
    public UnsupportedSchemaException(IReadOnlyList<SchemaIssue> issues)
        : base("Unsupported JSON Schema keywords: " + string.Join(", ", issues))
    {
        Issues = issues;
    }

    public IReadOnlyList<SchemaIssue> Issues { get; }
}
