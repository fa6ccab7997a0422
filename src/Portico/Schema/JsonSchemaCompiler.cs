using System.Collections.Frozen;
using System.Text.Json;

namespace Portico.Schema;

/// <summary>
/// Compiles a JSON Schema (draft 2020-12, all of it) into a tree of small validator nodes, once, so
/// validating a tool call never re-walks the schema JSON. Unknown keywords are annotations, as the
/// specification says; only a schema that is really unusable (a <c>$ref</c> to nothing, a keyword
/// with a value of the wrong kind, an invalid regular expression) is refused with
/// <see cref="UnsupportedSchemaException"/>, naming each problem and where it is.
/// </summary>
/// <remarks>
/// Hand-written on purpose: the one complete .NET validator, JsonSchema.Net, moved to a paid binary
/// licence from version 9 (8.x is frozen), and Corvus.JsonSchema is not available here. Owning it
/// also keeps validation allocation-light and its violations in the path/expected/received shape
/// models act on.
/// </remarks>
internal static class JsonSchemaCompiler
{
    private static readonly IReadOnlyDictionary<string, JsonElement> NoDocuments = FrozenDictionary<string, JsonElement>.Empty;

    /// <param name="schema">The schema to compile.</param>
    /// <param name="documents">
    /// Other schema documents its references may use, by absolute URI. Nothing else is ever loaded:
    /// tool schemas must not make the server fetch URLs.
    /// </param>
    /// <param name="assertFormat">
    /// Check the formats this validator knows (date-time, email, uri, uuid, …) rather than treating
    /// <c>format</c> as the annotation 2020-12 makes it by default. Portico asserts them: a tool that
    /// declares <c>"format": "email"</c> wants an address, and models are better told before the call.
    /// </param>
    public static CompiledSchema Compile(JsonElement schema, IReadOnlyDictionary<string, JsonElement>? documents = null, bool assertFormat = true)
    {
        if (schema.ValueKind == JsonValueKind.Undefined)
        {
            throw new ArgumentException("The schema is an undefined JSON element.", nameof(schema));
        }

        // A private copy: the compiled nodes keep elements (enum values, const) beyond the caller's document.
        var compilation = new SchemaCompilation(documents ?? NoDocuments, assertFormat);
        var root = compilation.CompileRoot(schema.Clone());
        if (compilation.Issues.Count > 0)
        {
            throw new UnsupportedSchemaException(compilation.Issues);
        }

        return new CompiledSchema(root, compilation.UsesDynamicScope, compilation.UsesAnnotations);
    }
}
