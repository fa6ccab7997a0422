namespace Portico.Schema;

/// <summary>
/// RFC 6570 <c>uri-template</c>: literals (URI characters, non-ASCII, percent-escapes) and
/// expressions <c>{op var:prefix,var*}</c> with well-formed variable names and modifiers.
/// </summary>
internal static class UriTemplateFormat
{
    private const string Operators = "+#./;?&";

    public static bool IsValid(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '{')
            {
                var close = text.IndexOf('}', i);
                if (close < 0 || !IsExpression(text.AsSpan(i + 1, close - i - 1)))
                {
                    return false;
                }

                i = close;
            }
            else if (c == '%')
            {
                if (!IsPercent(text.AsSpan(i)))
                {
                    return false;
                }

                i += 2;
            }
            else if (c is <= ' ' or '"' or '<' or '>' or '\\' or '^' or '`' or '|' or '}' or '\x7f')
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsExpression(ReadOnlySpan<char> expression)
    {
        if (!expression.IsEmpty && Operators.Contains(expression[0], StringComparison.Ordinal))
        {
            expression = expression[1..];
        }

        if (expression.IsEmpty)
        {
            return false;
        }

        foreach (var range in expression.Split(','))
        {
            if (!IsVarSpec(expression[range]))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsVarSpec(ReadOnlySpan<char> spec)
    {
        var modifier = spec.IndexOfAny(':', '*');
        var name = modifier < 0 ? spec : spec[..modifier];
        if (!IsVarName(name))
        {
            return false;
        }

        if (modifier < 0)
        {
            return true;
        }

        if (spec[modifier] == '*')
        {
            return modifier == spec.Length - 1;
        }

        var length = spec[(modifier + 1)..];
        return length.Length is >= 1 and <= 4 && length[0] is >= '1' and <= '9' && !length.ContainsAnyExceptInRange('0', '9');
    }

    private static bool IsVarName(ReadOnlySpan<char> name)
    {
        if (name.IsEmpty || name[0] == '.' || name[^1] == '.')
        {
            return false;
        }

        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (c == '%')
            {
                if (!IsPercent(name[i..]))
                {
                    return false;
                }

                i += 2;
            }
            else if (c == '.' ? name[i - 1] == '.' : !(char.IsAsciiLetterOrDigit(c) || c == '_'))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsPercent(ReadOnlySpan<char> text) =>
        text.Length >= 3 && char.IsAsciiHexDigit(text[1]) && char.IsAsciiHexDigit(text[2]);
}
