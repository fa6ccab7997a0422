using System.Globalization;
using System.Text;
using Microsoft.Extensions.Primitives;
using ModelContextProtocol.Protocol;

namespace Portico.Mcp;

/// <summary>
/// One value of a header that mirrors the JSON-RPC body (SEP-2243): read once (a repeated header is ambiguous,
/// so it is refused rather than joined), optional white space around it dropped (RFC 9110 5.5), characters checked
/// (field-value characters only) and a <c>=?base64?…?=</c> value decoded with the SDK's encoder.
/// </summary>
internal readonly record struct McpHeaderValue(string? Decoded, string? Problem)
{
    /// <summary>How much of a value a refusal quotes; the rest is summarized by its length.</summary>
    private const int QuotedChars = 80;

    public static McpHeaderValue Read(string name, StringValues values)
    {
        if (values.Count > 1)
        {
            return new(null, $"the {name} header appears {values.Count} times; send it once.");
        }

        var raw = (values.ToString() ?? "").Trim(' ', '\t');
        foreach (var c in raw)
        {
            // RFC 9110 field-value characters are visible ASCII, space and tab; anything else must be Base64-encoded.
            if (c is not ('\t' or (>= ' ' and <= '~')))
            {
                return new(null, $"the {name} header contains a character outside visible ASCII (U+{(int)c:X4}); non-ASCII values are sent as =?base64?…?= (UTF-8, Base64).");
            }
        }

        return McpHeaderEncoder.DecodeValue(raw) is { } decoded
            ? new(decoded, null)
            : new(null, $"the {name} header value '{Quote(raw)}' is not valid Base64 inside =?base64?…?= (standard alphabet with '=' padding, UTF-8 text).");
    }

    /// <summary>A caller's value as a refusal quotes it: control and non-ASCII characters escaped, long values cut.</summary>
    public static string Quote(string? value)
    {
        if (value is null)
        {
            return "";
        }

        var builder = new StringBuilder(Math.Min(value.Length, QuotedChars) + 24);
        var count = 0;
        foreach (var c in value)
        {
            if (count++ == QuotedChars)
            {
                builder.Append(CultureInfo.InvariantCulture, $"…({value.Length} characters)");
                break;
            }

            if (c is < ' ' or > '~')
            {
                builder.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }
}
