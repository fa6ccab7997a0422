using System.Net;
using System.Net.Sockets;

namespace Portico.Schema;

/// <summary>
/// RFC 3986 absolute <c>uri</c>: a scheme, then characters from the URI alphabet in the right
/// places. System.Uri is too lenient for this (it accepts spaces, backslashes and relative paths).
/// </summary>
internal static class UriFormat
{
    private const string SubDelimiters = "!$&'()*+,;=";

    public static bool IsValid(string text)
    {
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon < 1 || !char.IsAsciiLetter(text[0]))
        {
            return false;
        }

        for (var i = 1; i < colon; i++)
        {
            if (!(char.IsAsciiLetterOrDigit(text[i]) || text[i] is '+' or '-' or '.'))
            {
                return false;
            }
        }

        var rest = text.AsSpan(colon + 1);
        var fragment = rest.IndexOf('#');
        if (fragment >= 0)
        {
            if (!AllOf(rest[(fragment + 1)..], "/?:@"))
            {
                return false;
            }

            rest = rest[..fragment];
        }

        var query = rest.IndexOf('?');
        if (query >= 0)
        {
            if (!AllOf(rest[(query + 1)..], "/?:@"))
            {
                return false;
            }

            rest = rest[..query];
        }

        if (rest.StartsWith("//"))
        {
            rest = rest[2..];
            var pathStart = rest.IndexOf('/');
            var authority = pathStart < 0 ? rest : rest[..pathStart];
            if (!IsAuthority(authority))
            {
                return false;
            }

            rest = pathStart < 0 ? [] : rest[pathStart..];
        }

        return AllOf(rest, "/:@");
    }

    private static bool IsAuthority(ReadOnlySpan<char> authority)
    {
        var at = authority.LastIndexOf('@');
        if (at >= 0)
        {
            if (!AllOf(authority[..at], ":"))
            {
                return false;
            }

            authority = authority[(at + 1)..];
        }

        if (authority.StartsWith("["))
        {
            var close = authority.IndexOf(']');
            if (close < 0 || !IsIpLiteral(authority[1..close]))
            {
                return false;
            }

            authority = authority[(close + 1)..];
            return authority.IsEmpty || (authority[0] == ':' && IsPort(authority[1..]));
        }

        var portColon = authority.LastIndexOf(':');
        return portColon < 0
            ? AllOf(authority, "")
            : AllOf(authority[..portColon], "") && IsPort(authority[(portColon + 1)..]);
    }

    private static bool IsIpLiteral(ReadOnlySpan<char> literal)
    {
        if (literal.Length > 1 && literal[0] is 'v' or 'V')
        {
            var dot = literal.IndexOf('.');
            return dot > 1 && AllHex(literal[1..dot]) && dot < literal.Length - 1 && AllOf(literal[(dot + 1)..], ":", allowPercent: false);
        }

        return IPAddress.TryParse(literal, out var address) && address.AddressFamily == AddressFamily.InterNetworkV6;
    }

    private static bool IsPort(ReadOnlySpan<char> port)
    {
        foreach (var c in port)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    private static bool AllHex(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Unreserved, sub-delimiters, percent-escapes and the given extra characters only.</summary>
    private static bool AllOf(ReadOnlySpan<char> text, string extra, bool allowPercent = true)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '%' && allowPercent)
            {
                if (i + 2 >= text.Length || !char.IsAsciiHexDigit(text[i + 1]) || !char.IsAsciiHexDigit(text[i + 2]))
                {
                    return false;
                }

                i += 2;
            }
            else if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~'
                || SubDelimiters.Contains(c, StringComparison.Ordinal) || extra.Contains(c, StringComparison.Ordinal)))
            {
                return false;
            }
        }

        return true;
    }
}
