namespace Portico.Schema;

/// <summary>Where a subschema sits: which loaded document (0 is the schema being compiled), and the JSON pointer into it.</summary>
internal readonly record struct SchemaLocation(int Document, string Pointer)
{
    public SchemaLocation Append(string token) => this with { Pointer = JsonPointer.Append(Pointer, token) };

    public SchemaLocation Append(int index) => this with { Pointer = JsonPointer.Append(Pointer, index) };
}
