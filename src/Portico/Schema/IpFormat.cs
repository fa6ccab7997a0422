using System.Globalization;

namespace Portico.Schema;

/// <summary>
/// <c>ipv4</c> (RFC 2673 dotted quad: four decimal parts, no leading zeros) and <c>ipv6</c> (RFC 4291
/// text form, optionally ending in a dotted quad). Checked by hand: IPAddress.TryParse also takes
/// "127.1", hex parts, zone ids and other forms the formats exclude.
/// </summary>
internal static class IpFormat
{
    public static bool IsIPv4(string text) => IsIPv4(text.AsSpan());

    public static bool IsIPv4(ReadOnlySpan<char> text)
    {
        var parts = 0;
        foreach (var range in text.Split('.'))
        {
            var part = text[range];
            if (++parts > 4 || part.IsEmpty || part.Length > 3 || (part.Length > 1 && part[0] == '0')
                || !int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
                || value > 255)
            {
                return false;
            }
        }

        return parts == 4;
    }

    public static bool IsIPv6(string text) => IsIPv6(text.AsSpan());

    public static bool IsIPv6(ReadOnlySpan<char> text)
    {
        if (text.Length is < 2 or > 45)
        {
            return false;
        }

        var gap = text.IndexOf("::", StringComparison.Ordinal);
        if (gap >= 0 && text[(gap + 1)..].IndexOf("::", StringComparison.Ordinal) >= 0)
        {
            return false;
        }

        int groups;
        if (gap < 0)
        {
            return TryGroups(text, out groups) && groups == 8;
        }

        var before = text[..gap];
        var after = text[(gap + 2)..];
        var left = 0;
        var right = 0;
        return (before.IsEmpty || TryGroups(before, out left, allowIPv4: false))
            && (after.IsEmpty || TryGroups(after, out right))
            && left + right <= 7;
    }

    /// <summary>Colon-separated groups of 1-4 hex digits; a final dotted quad counts as two.</summary>
    private static bool TryGroups(ReadOnlySpan<char> text, out int groups, bool allowIPv4 = true)
    {
        groups = 0;
        foreach (var range in text.Split(':'))
        {
            var group = text[range];
            if (allowIPv4 && range.End.GetOffset(text.Length) == text.Length && group.Contains('.'))
            {
                if (!IsIPv4(group))
                {
                    return false;
                }

                groups += 2;
                continue;
            }

            if (group.IsEmpty || group.Length > 4)
            {
                return false;
            }

            foreach (var c in group)
            {
                if (!char.IsAsciiHexDigit(c))
                {
                    return false;
                }
            }

            groups++;
        }

        return true;
    }
}
