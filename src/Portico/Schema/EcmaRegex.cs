using System.Globalization;
using System.Text;

namespace Portico.Schema;

/// <summary>
/// Rewrites an ECMA 262 pattern (with the <c>u</c> flag, as JSON Schema uses it) into .NET syntax
/// with the same meaning where the two differ: <c>\d \w \s</c> and <c>.</c> keep their ECMA sets
/// (.NET's are Unicode-wide), <c>$</c> means end of input only, <c>\p{Letter}</c>-style long property
/// names become .NET's short ones, <c>\u{…}</c> code points are spelled out, and an astral character
/// quantified on its own is grouped so the quantifier covers both halves of its surrogate pair.
/// </summary>
internal static class EcmaRegex
{
    private const string Whitespace = @"\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff";
    private const string Word = "a-zA-Z0-9_";
    private const string AnyButLineEnd = @"(?:[\ud800-\udbff][\udc00-\udfff]|[^\n\r\u2028\u2029])";

    private static readonly Dictionary<string, string> Categories = new(StringComparer.Ordinal)
    {
        ["Letter"] = "L",
        ["Cased_Letter"] = "LC",
        ["Uppercase_Letter"] = "Lu",
        ["Lowercase_Letter"] = "Ll",
        ["Titlecase_Letter"] = "Lt",
        ["Modifier_Letter"] = "Lm",
        ["Other_Letter"] = "Lo",
        ["Mark"] = "M",
        ["Combining_Mark"] = "M",
        ["Nonspacing_Mark"] = "Mn",
        ["Spacing_Mark"] = "Mc",
        ["Enclosing_Mark"] = "Me",
        ["Number"] = "N",
        ["Decimal_Number"] = "Nd",
        ["digit"] = "Nd",
        ["Letter_Number"] = "Nl",
        ["Other_Number"] = "No",
        ["Punctuation"] = "P",
        ["punct"] = "P",
        ["Connector_Punctuation"] = "Pc",
        ["Dash_Punctuation"] = "Pd",
        ["Open_Punctuation"] = "Ps",
        ["Close_Punctuation"] = "Pe",
        ["Initial_Punctuation"] = "Pi",
        ["Final_Punctuation"] = "Pf",
        ["Other_Punctuation"] = "Po",
        ["Symbol"] = "S",
        ["Math_Symbol"] = "Sm",
        ["Currency_Symbol"] = "Sc",
        ["Modifier_Symbol"] = "Sk",
        ["Other_Symbol"] = "So",
        ["Separator"] = "Z",
        ["Space_Separator"] = "Zs",
        ["Line_Separator"] = "Zl",
        ["Paragraph_Separator"] = "Zp",
        ["Other"] = "C",
        ["Control"] = "Cc",
        ["cntrl"] = "Cc",
        ["Format"] = "Cf",
        ["Surrogate"] = "Cs",
        ["Private_Use"] = "Co",
        ["Unassigned"] = "Cn",
    };

    public static string ToDotNet(string pattern)
    {
        var output = new StringBuilder(pattern.Length + 16);
        var inClass = false;
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\\' && i + 1 < pattern.Length)
            {
                i = Escape(pattern, i + 1, inClass, output);
            }
            else if (inClass)
            {
                inClass = c != ']';
                output.Append(c);
            }
            else if (c == '[' && pattern.AsSpan(i).StartsWith("[]", StringComparison.Ordinal))
            {
                output.Append("(?!)"); // ECMA's empty class matches nothing; .NET would read ']' as a member
                i++;
            }
            else if (c == '[' && pattern.AsSpan(i).StartsWith("[^]", StringComparison.Ordinal))
            {
                output.Append(@"[\s\S]");
                i += 2;
            }
            else if (c == '[')
            {
                inClass = true;
                output.Append(c);
                if (i + 1 < pattern.Length && pattern[i + 1] == '^')
                {
                    output.Append('^');
                    i++;
                }
            }
            else if (c == '$')
            {
                output.Append(@"\z");
            }
            else if (c == '.')
            {
                output.Append(AnyButLineEnd);
            }
            else if (char.IsHighSurrogate(c) && i + 1 < pattern.Length && char.IsLowSurrogate(pattern[i + 1]))
            {
                output.Append("(?:").Append(c).Append(pattern[++i]).Append(')');
            }
            else
            {
                output.Append(c);
            }
        }

        return output.ToString();
    }

    /// <summary>
    /// Whether the text is ECMA 262 (u mode) syntax, for <c>format: regex</c>: besides parsing, it
    /// refuses what .NET accepts but ECMA does not (\a, \A, Python's (?P…), comments, inline flags).
    /// </summary>
    public static bool IsEcmaSyntax(string pattern)
    {
        var inClass = false;
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\\')
            {
                if (++i >= pattern.Length || !IsEcmaEscape(pattern[i], inClass))
                {
                    return false;
                }
            }
            else if (inClass)
            {
                inClass = c != ']';
            }
            else if (c == '[')
            {
                inClass = true;
                i += pattern.AsSpan(i).StartsWith("[]", StringComparison.Ordinal) ? 1 : 0;
            }
            else if (c == '(' && i + 1 < pattern.Length && pattern[i + 1] == '?')
            {
                var rest = pattern.AsSpan(i + 2);
                if (!(rest.StartsWith(":") || rest.StartsWith("=") || rest.StartsWith("!") || rest.StartsWith("<=")
                    || rest.StartsWith("<!") || (rest.Length > 1 && rest[0] == '<' && (char.IsAsciiLetter(rest[1]) || rest[1] is '_' or '$'))))
                {
                    return false;
                }
            }
        }

        return SchemaRegex.TryCreate(pattern, out _) is not null;
    }

    private static bool IsEcmaEscape(char c, bool inClass) =>
        "fnrtvcdDsSwWpPuxk0123456789bB^$\\.*+?()[]{}|/".Contains(c, StringComparison.Ordinal) || (inClass && c == '-');

    /// <summary>Writes the escape starting at <paramref name="i"/> (after the backslash); returns its last index.</summary>
    private static int Escape(string pattern, int i, bool inClass, StringBuilder output)
    {
        var c = pattern[i];
        switch (c)
        {
            case 'd': output.Append(inClass ? "0-9" : "[0-9]"); return i;
            case 'D' when !inClass: output.Append("[^0-9]"); return i;
            case 'w': output.Append(inClass ? Word : $"[{Word}]"); return i;
            case 'W' when !inClass: output.Append($"[^{Word}]"); return i;
            case 's': output.Append(inClass ? Whitespace : $"[{Whitespace}]"); return i;
            case 'S' when !inClass: output.Append($"[^{Whitespace}]"); return i;
            case 'p' or 'P' when i + 1 < pattern.Length && pattern[i + 1] == '{':
                var close = pattern.IndexOf('}', i);
                if (close > 0)
                {
                    var name = pattern[(i + 2)..close];
                    var equals = name.IndexOf('=', StringComparison.Ordinal);
                    if (equals > 0 && name[..equals] is "General_Category" or "gc")
                    {
                        name = name[(equals + 1)..];
                    }

                    output.Append('\\').Append(c).Append('{').Append(Categories.GetValueOrDefault(name, name)).Append('}');
                    return close;
                }

                break;
            case 'u' when i + 1 < pattern.Length && pattern[i + 1] == '{':
                var end = pattern.IndexOf('}', i);
                if (end > 0 && int.TryParse(pattern.AsSpan(i + 2, end - i - 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var code)
                    && code is >= 0 and <= 0x10FFFF)
                {
                    foreach (var unit in char.ConvertFromUtf32(code))
                    {
                        output.Append(CultureInfo.InvariantCulture, $"\\u{(int)unit:x4}");
                    }

                    return end;
                }

                break;
        }

        output.Append('\\').Append(c);
        return i;
    }
}
