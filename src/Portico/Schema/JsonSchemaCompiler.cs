using System.Text.Json;

namespace Portico.Schema;

/// <summary>
/// Compiles a JSON Schema (draft 2020-12) into a tree of small validator nodes, once, so validating
/// a tool call never re-walks the schema JSON. The supported subset is what tool input schemas use;
/// anything else is refused with <see cref="UnsupportedSchemaException"/> rather than ignored.
/// </summary>
internal static class JsonSchemaCompiler
{
    public static CompiledSchema Compile(JsonElement schema)
    {
        if (schema.ValueKind == JsonValueKind.Undefined)
        {
            throw new ArgumentException("The schema is an undefined JSON element.", nameof(schema));
        }

        // A private copy: the compiled nodes keep elements (enum values, const) beyond the caller's document.
        var compilation = new SchemaCompilation(schema.Clone());
        var root = compilation.CompileRoot();
        if (compilation.Issues.Count > 0)
        {
            throw new UnsupportedSchemaException(compilation.Issues);
        }

        return new CompiledSchema(root);
    }
}
