using System.Text.Json;
using System.Text.Json.Nodes;
using Portico.Schema;

namespace Portico.Tools.Records;

/// <summary>
/// What a model is: its id, the JSON Schema of its entities' attributes (text), its display hints (JSON text or null),
/// the attribute paths to index and whether its entities are publishable (carry publishAt/unpublishAt). Two definitions
/// are the same model when all five are equal.
/// </summary>
internal sealed record ModelDefinition(ModelId Id, string Schema, string? Display, IReadOnlyList<string> Indexes, bool Publishable = false)
{
    /// <summary>The attribute schema, compiled by Portico's validator (2020-12, no remote references).</summary>
    public CompiledSchema Compile()
    {
        using var document = JsonDocument.Parse(Schema);
        return JsonSchemaCompiler.Compile(document.RootElement);
    }

    public bool SameAs(ModelDefinition other)
        => Id == other.Id && JsonEqual(Schema, other.Schema) && JsonEqual(Display, other.Display) && Indexes.SequenceEqual(other.Indexes, StringComparer.Ordinal)
            && Publishable == other.Publishable;

    public static ModelDefinition From(ModelRow row)
        => ModelId.TryParse(row.Id, out var id, out _)
            ? new(id, row.Schema, row.Display, [.. JsonNode.Parse(row.Indexes)!.AsArray().Select(i => (string)i!)], row.Publishable)
            : throw new InvalidOperationException($"The stored model id '{row.Id}' is not Name-Version.");

    private static bool JsonEqual(string? a, string? b)
    {
        if (a is null || b is null)
        {
            return a is null && b is null;
        }

        using var left = JsonDocument.Parse(a);
        using var right = JsonDocument.Parse(b);
        return JsonElement.DeepEquals(left.RootElement, right.RootElement);
    }
}
