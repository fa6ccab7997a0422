using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Portico.Schema;

/// <summary>
/// RFC 6901 JSON pointers into the schema document: the keys of compiled subschemas, the
/// locations named in compile errors, and the targets of local <c>$ref</c>s.
/// </summary>
internal static class JsonPointer
{
    /// <summary>The pointer to <paramref name="token"/> under <paramref name="pointer"/>.</summary>
    public static string Append(string pointer, string token) =>
        pointer + "/" + token.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);

    public static string Append(string pointer, int index) => pointer + "/" + index.ToString(CultureInfo.InvariantCulture);

    public static bool TryResolve(JsonElement root, string pointer, out JsonElement target)
    {
        target = root;
        if (pointer.Length == 0)
        {
            return true;
        }

        if (pointer[0] != '/')
        {
            return false;
        }

        foreach (var raw in pointer[1..].Split('/'))
        {
            if (Unescape(raw) is not { } token)
            {
                return false;
            }

            if (target.ValueKind == JsonValueKind.Object && target.TryGetProperty(token, out var child))
            {
                target = child;
            }
            else if (target.ValueKind == JsonValueKind.Array && IsIndex(token, target.GetArrayLength(), out var index))
            {
                target = target[index];
            }
            else
            {
                return false;
            }
        }

        return true;
    }

    private static string? Unescape(string token)
    {
        if (!token.Contains('~', StringComparison.Ordinal))
        {
            return token;
        }

        var builder = new StringBuilder(token.Length);
        for (var i = 0; i < token.Length; i++)
        {
            if (token[i] != '~')
            {
                builder.Append(token[i]);
            }
            else if (i + 1 < token.Length && token[i + 1] is '0' or '1')
            {
                builder.Append(token[++i] == '0' ? '~' : '/');
            }
            else
            {
                return null;
            }
        }

        return builder.ToString();
    }

    // RFC 6901: array indexes are decimal without leading zeros ("0", "12", never "01" or "-").
    private static bool IsIndex(string token, int length, out int index)
    {
        index = -1;
        return token.Length > 0 && (token.Length == 1 || token[0] != '0')
            && token.All(char.IsAsciiDigit)
            && int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out index)
            && index < length;
    }
}
