using System.Net;
using System.Net.Sockets;

namespace Portico.Schema;

/// <summary>
/// RFC 5321 mailbox for <c>email</c>: a dot-atom or quoted local part, and a hostname or an
/// address literal (<c>[127.0.0.1]</c>, <c>[IPv6:::1]</c>). ASCII only; idn-email is a separate format.
/// </summary>
internal static class EmailFormat
{
    private const string AtomSymbols = "!#$%&'*+-/=?^_`{|}~";

    public static bool IsValid(string text)
    {
        var at = text.LastIndexOf('@');
        if (at < 1 || at == text.Length - 1 || text.Length > 320)
        {
            return false;
        }

        return IsLocalPart(text.AsSpan(0, at)) && IsDomain(text.AsSpan(at + 1));
    }

    private static bool IsLocalPart(ReadOnlySpan<char> local)
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
                else if (c is < ' ' or > '~' or '"' or '\\')
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
                if (!char.IsAsciiLetterOrDigit(c) && !AtomSymbols.Contains(c, StringComparison.Ordinal))
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
                ? IPAddress.TryParse(literal[5..], out var v6) && v6.AddressFamily == AddressFamily.InterNetworkV6
                : IsIPv4(literal);
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

    // Strict dotted quad: IPAddress.TryParse also takes "127.1" and hex forms, which mail does not.
    private static bool IsIPv4(ReadOnlySpan<char> literal)
    {
        var parts = 0;
        foreach (var range in literal.Split('.'))
        {
            var part = literal[range];
            if (++parts > 4 || part.IsEmpty || part.Length > 3 || (part.Length > 1 && part[0] == '0')
                || !int.TryParse(part, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value)
                || value > 255)
            {
                return false;
            }
        }

        return parts == 4;
    }
}
