using System.Text.Json;
using Portico.Schema;

namespace Portico.Tests.Policy.Schema;

/// <summary>Compiles and validates JSON text in one call, for tests that read as schema + instance.</summary>
internal static class SchemaAssert
{
    // Deeper than the validator's own limit, so tests can reach it.
    private static readonly JsonDocumentOptions DeepDocuments = new() { MaxDepth = 512 };

    public static IReadOnlyList<SchemaViolation> Validate(string schema, string instance)
    {
        var compiled = Compile(schema);
        using var document = JsonDocument.Parse(instance, DeepDocuments);
        return compiled.Validate(document.RootElement);
    }

    public static CompiledSchema Compile(string schema)
    {
        using var document = JsonDocument.Parse(schema, DeepDocuments);
        return JsonSchemaCompiler.Compile(document.RootElement);
    }

    public static UnsupportedSchemaException CompileFails(string schema)
    {
        using var document = JsonDocument.Parse(schema);
        return Assert.Throws<UnsupportedSchemaException>(() => JsonSchemaCompiler.Compile(document.RootElement));
    }
}
