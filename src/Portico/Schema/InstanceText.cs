using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace Portico.Schema;

/// <summary>
/// Short, safe descriptions of instance values for violations. Values come from models and can be
/// megabytes long, so every preview is truncated (never splitting a surrogate pair) and nested
/// values are summarised rather than serialised whole.
/// </summary>
internal static class InstanceText
{
    public const int PreviewLength = 40;

    public static string TypeName(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Null => "null",
        _ => "missing",
    };

    /// <summary>"an object", "a string", "null": the type name as it reads in a sentence.</summary>
    public static string WithArticle(string typeName) => typeName switch
    {
        "null" or "missing" => typeName,
        "object" or "array" or "integer" => "an " + typeName,
        _ => "a " + typeName,
    };

    public static string Preview(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => Quote(value.GetString() ?? "", PreviewLength),
        JsonValueKind.Number => NumberPreview(JsonMarshal.GetRawUtf8Value(value)),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Null => "null",
        JsonValueKind.Object => $"an object with {Count(value.GetPropertyCount(), "property", "properties")}",
        JsonValueKind.Array => $"an array of {Count(value.GetArrayLength(), "item", "items")}",
        _ => "missing",
    };

    /// <summary>A JSON string literal of the text, cut after <paramref name="maxCodePoints"/>.</summary>
    public static string Quote(string text, int maxCodePoints)
    {
        var builder = new StringBuilder("\"");
        var taken = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (taken == maxCodePoints)
            {
                builder.Append('…');
                break;
            }

            var c = text[i];
            switch (c)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                case < ' ': builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)); break;
                default:
                    builder.Append(c);
                    if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                    {
                        builder.Append(text[++i]);
                    }

                    break;
            }

            taken++;
        }

        return builder.Append('"').ToString();
    }

    /// <summary>Length in Unicode code points, as JSON Schema counts it (not UTF-16 units).</summary>
    public static long CodePointCount(string text)
    {
        long count = text.Length;
        for (var i = 1; i < text.Length; i++)
        {
            if (char.IsLowSurrogate(text[i]) && char.IsHighSurrogate(text[i - 1]))
            {
                count--;
            }
        }

        return count;
    }

    public static string Count(long count, string singular, string plural) =>
        count.ToString(CultureInfo.InvariantCulture) + " " + (count == 1 ? singular : plural);

    // Number tokens are ASCII, so bytes are characters; decode only what the preview shows.
    private static string NumberPreview(ReadOnlySpan<byte> token) =>
        Truncate(Encoding.ASCII.GetString(token[..Math.Min(token.Length, PreviewLength + 1)]), PreviewLength);

    public static string Truncate(string text, int maxLength) =>
        text.Length <= maxLength ? text : string.Concat(text.AsSpan(0, maxLength), "…");
}
