using System.Runtime.InteropServices;
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
    private const int MaxCompactSource = 4096;

    // Relaxed escaping keeps non-ASCII enum values readable to a model instead of \uXXXX soup.
    // The depth is already bounded by the source size check in Compact.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, MaxDepth = MaxCompactSource };

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
        // A huge or deeply nested value (hostile schemas have both) is only ever shown cut short:
        // show the start of its source text rather than re-serialising all of it.
        var raw = JsonMarshal.GetRawUtf8Value(value);
        if (raw.Length > MaxCompactSource)
        {
            var end = MaxCompactSource;
            while (end > 0 && (raw[end] & 0xC0) == 0x80)
            {
                end--;
            }

            return string.Join(' ', Encoding.UTF8.GetString(raw[..end]).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)) + "…";
        }

        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, WriterOptions))
        {
            value.WriteTo(writer);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
