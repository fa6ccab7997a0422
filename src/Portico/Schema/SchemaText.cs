using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Portico.Schema;

/// <summary>
/// Compact renderings of schema values for the Expected side of violations (<c>one of ["a","b"]</c>).
/// Computed once at compile time; long values are cut so a violation stays one readable line.
/// </summary>
internal static class SchemaText
{
    private const int MaxLiteralLength = 80;
    private const int MaxListLength = 200;

    // Relaxed escaping keeps non-ASCII enum values readable to a model instead of \uXXXX soup.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Literal(JsonElement value) => InstanceText.Truncate(Compact(value), MaxLiteralLength);

    public static string LiteralList(IEnumerable<JsonElement> values)
    {
        var builder = new StringBuilder("[");
        foreach (var value in values)
        {
            if (builder.Length > 1)
            {
                builder.Append(',');
            }

            if (builder.Length > MaxListLength)
            {
                builder.Append('…');
                break;
            }

            builder.Append(Literal(value));
        }

        return builder.Append(']').ToString();
    }

    private static string Compact(JsonElement value)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, WriterOptions))
        {
            value.WriteTo(writer);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
