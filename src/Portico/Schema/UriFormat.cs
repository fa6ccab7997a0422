namespace Portico.Schema;

/// <summary>
/// RFC 3986 <c>uri</c> and <c>uri-reference</c>, and RFC 3987 <c>iri</c>/<c>iri-reference</c> (the same
/// with non-ASCII characters allowed): characters from the URI alphabet in the right places.
/// System.Uri is too lenient for this (it accepts spaces, backslashes and unbracketed IPv6).
/// </summary>
internal static class UriFormat
{
    private const string SubDelimiters = "!$&'()*+,;=";

    public static bool IsValid(string text) => Check(text, requireScheme: true, iri: false);

    public static bool IsReference(string text) => Check(text, requireScheme: false, iri: false);

    public static bool IsIri(string text) => Check(text, requireScheme: true, iri: true);

    public static bool IsIriReference(string text) => Check(text, requireScheme: false, iri: true);

    private static bool Check(string text, bool requireScheme, bool iri)
    {
        var rest = text.AsSpan();
        var colon = rest.IndexOfAny(":/?#");
        var hasScheme = colon > 0 && rest[colon] == ':' && IsScheme(rest[..colon]);
        if (hasScheme)
        {
            rest = rest[(colon + 1)..];
        }
        else if (requireScheme)
        {
            return false;
        }

        var fragment = rest.IndexOf('#');
        if (fragment >= 0)
        {
            if (!AllOf(rest[(fragment + 1)..], "/?:@", iri))
            {
                return false;
            }

            rest = rest[..fragment];
        }

        var query = rest.IndexOf('?');
        if (query >= 0)
        {
            if (!AllOf(rest[(query + 1)..], "/?:@", iri))
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
            if (!IsAuthority(authority, iri))
            {
                return false;
            }

            rest = pathStart < 0 ? [] : rest[pathStart..];
        }
        else if (!hasScheme)
        {
            // A relative path's first segment cannot hold ':' (it would read as a scheme).
            var firstSegment = rest.IndexOf('/') is var slash and >= 0 ? rest[..slash] : rest;
            if (firstSegment.Contains(':'))
            {
                return false;
            }
        }

        return AllOf(rest, "/:@", iri);
    }

    private static bool IsScheme(ReadOnlySpan<char> scheme)
    {
        if (!char.IsAsciiLetter(scheme[0]))
        {
            return false;
        }

        foreach (var c in scheme)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '+' or '-' or '.'))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsAuthority(ReadOnlySpan<char> authority, bool iri)
    {
        var at = authority.LastIndexOf('@');
        if (at >= 0)
        {
            if (!AllOf(authority[..at], ":", iri))
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
            ? AllOf(authority, "", iri)
            : AllOf(authority[..portColon], "", iri) && IsPort(authority[(portColon + 1)..]);
    }

    private static bool IsIpLiteral(ReadOnlySpan<char> literal)
    {
        if (literal.Length > 1 && literal[0] is 'v' or 'V')
        {
            var dot = literal.IndexOf('.');
            return dot > 1 && AllHex(literal[1..dot]) && dot < literal.Length - 1 && AllOf(literal[(dot + 1)..], ":", iri: false, allowPercent: false);
        }

        return IpFormat.IsIPv6(literal);
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

    /// <summary>Unreserved, sub-delimiters, percent-escapes and the given extra characters only (and, in an IRI, non-ASCII).</summary>
    private static bool AllOf(ReadOnlySpan<char> text, string extra, bool iri, bool allowPercent = true)
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
            else if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~' || (iri && c >= '\u00A0')
                || SubDelimiters.Contains(c, StringComparison.Ordinal) || extra.Contains(c, StringComparison.Ordinal)))
            {
                return false;
            }
        }

        return true;
    }
}
