namespace Portico.Schema;

/// <summary>
/// RFC 5321 mailbox for <c>email</c>: a dot-atom or quoted local part, and a hostname or an
/// address literal (<c>[127.0.0.1]</c>, <c>[IPv6:::1]</c>). ASCII only; idn-email is a separate format.
/// </summary>
internal static class EmailFormat
{
    private const string AtomSymbols = "!#$%&'*+-/=?^_`{|}~";

    public static bool IsValid(string text) => IsValid(text, international: false);

    /// <summary><c>idn-email</c> (RFC 6531): UTF-8 allowed in the local part, an internationalized domain.</summary>
    public static bool IsInternational(string text) => IsValid(text, international: true);

    private static bool IsValid(string text, bool international)
    {
        var at = text.LastIndexOf('@');
        if (at < 1 || at == text.Length - 1 || text.Length > 320)
        {
            return false;
        }

        var domain = text[(at + 1)..];
        return IsLocalPart(text.AsSpan(0, at), international)
            && (international && domain[0] != '[' ? HostnameFormat.IsIdnHostname(domain) : IsDomain(domain));
    }

    private static bool IsLocalPart(ReadOnlySpan<char> local, bool international)
    {
        if (local.Length >= 2 && local[0] == '"' && local[^1] == '"')
        {
            var inner = local[1..^1];
            for (var i = 0; i < inner.Length; i++)
            {
                var c = inner[i];
                if (c == '\\' && i + 1 < inner.Length && inner[i + 1] is >= ' ' and <= '~')
                {
                    i++;
                }
                else if (c is < ' ' or '"' or '\\' || (c > '~' && !international))
                {
                    return false;
                }
            }

            return true;
        }

        if (local.Length > 64)
        {
            return false;
        }

        foreach (var atom in local.Split('.'))
        {
            var part = local[atom];
            if (part.IsEmpty)
            {
                return false;
            }

            foreach (var c in part)
            {
                if (!char.IsAsciiLetterOrDigit(c) && !AtomSymbols.Contains(c, StringComparison.Ordinal) && !(international && c >= '\u0080'))
                {
                    return false;
                }
            }
        }

        return true;
    }

    private static bool IsDomain(ReadOnlySpan<char> domain)
    {
        if (domain[0] == '[')
        {
            if (domain[^1] != ']')
            {
                return false;
            }

            var literal = domain[1..^1];
            return literal.StartsWith("IPv6:", StringComparison.OrdinalIgnoreCase)
                ? IpFormat.IsIPv6(literal[5..])
                : IpFormat.IsIPv4(literal);
        }

        if (domain.Length > 253)
        {
            return false;
        }

        foreach (var range in domain.Split('.'))
        {
            var label = domain[range];
            if (label.IsEmpty || label.Length > 63 || label[0] == '-' || label[^1] == '-')
            {
                return false;
            }

            foreach (var c in label)
            {
                if (!char.IsAsciiLetterOrDigit(c) && c != '-')
                {
                    return false;
                }
            }
        }

        return true;
    }
}
