namespace Portico.Schema;

/// <summary>
/// A keyword the compiler refused: unsupported, or with a value it cannot use. <see cref="Pointer"/>
/// is the JSON pointer of the keyword itself, so a schema author can jump straight to it.
/// </summary>
internal sealed record SchemaIssue(string Pointer, string Keyword, string? Detail)
{
    public override string ToString() =>
        Detail is null ? $"'{Pointer}' ({Keyword})" : $"'{Pointer}' ({Keyword}: {Detail})";
}
