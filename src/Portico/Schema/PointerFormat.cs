namespace Portico.Schema;

/// <summary><c>json-pointer</c> (RFC 6901 string form) and <c>relative-json-pointer</c>.</summary>
internal static class PointerFormat
{
    public static bool IsJsonPointer(string text) => IsPointer(text.AsSpan());

    /// <summary>A non-negative integer without leading zeros, then '#' or a JSON pointer.</summary>
    public static bool IsRelativeJsonPointer(string text)
    {
        var digits = 0;
        while (digits < text.Length && char.IsAsciiDigit(text[digits]))
        {
            digits++;
        }

        if (digits == 0 || (digits > 1 && text[0] == '0'))
        {
            return false;
        }

        var rest = text.AsSpan(digits);
        return rest is "#" || IsPointer(rest);
    }

    private static bool IsPointer(ReadOnlySpan<char> text)
    {
        if (!text.IsEmpty && text[0] != '/')
        {
            return false;
        }

        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '~' && (i + 1 >= text.Length || text[++i] is not ('0' or '1')))
            {
                return false;
            }
        }

        return true;
    }
}
