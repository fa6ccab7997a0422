using System.Buffers;
using System.Text.Json;

namespace Portico.Catalog;

/// <summary>
/// A call's arguments as one JSON document, built once per call and shared by validation, the
/// tool and the audit trail. Written by hand rather than serialized: the serializer's default depth
/// limit (64) would turn a deeply nested argument into an exception instead of a validation error.
/// </summary>
internal static class ToolArguments
{
    public const int MaxDepth = 4096;
    private static readonly JsonElement Empty = JsonDocument.Parse("{}").RootElement;

    public static JsonElement ToDocument(IDictionary<string, JsonElement>? arguments)
    {
        if (arguments is null || arguments.Count == 0)
        {
            return Empty;
        }

        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { MaxDepth = MaxDepth, SkipValidation = true }))
        {
            writer.WriteStartObject();
            foreach (var (name, value) in arguments)
            {
                writer.WritePropertyName(name);
                value.WriteTo(writer);
            }

            writer.WriteEndObject();
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory, new JsonDocumentOptions { MaxDepth = MaxDepth });
        return document.RootElement.Clone();
    }
}
