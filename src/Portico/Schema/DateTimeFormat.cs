namespace Portico.Schema;

/// <summary>
/// RFC 3339 <c>date-time</c>, <c>date</c> (full-date), <c>time</c> (full-time, offset required) and
/// <c>duration</c> (its appendix A), checked by hand: ISO 8601's other shapes (week dates, missing
/// offsets) are not allowed, digits must be ASCII, and a leap second is only valid at 23:59:60 UTC.
/// </summary>
internal static class DateTimeFormat
{
    public static bool IsValid(string text) =>
        text.Length is > 11 and <= 64 && text[10] is 'T' or 't' && IsDate(text.AsSpan(0, 10)) && IsTime(text.AsSpan(11));

    public static bool IsDate(string text) => IsDate(text.AsSpan());

    public static bool IsTime(string text) => text.Length <= 64 && IsTime(text.AsSpan());

    /// <summary>RFC 3339 duration: P, then date parts in Y-M-D order and/or T with H-M-S, or weeks alone.</summary>
    public static bool IsDuration(string text)
    {
        if (text.Length < 3 || text[0] != 'P')
        {
            return false;
        }

        var i = 1;
        if (TryUnits(text, ref i, "W", out var weeks) && weeks > 0)
        {
            return i == text.Length;
        }

        i = 1;
        TryUnits(text, ref i, "YMD", out var dateParts);
        if (i == text.Length)
        {
            return dateParts > 0;
        }

        if (text[i] != 'T')
        {
            return false;
        }

        i++;
        return TryUnits(text, ref i, "HMS", out var timeParts) && timeParts > 0 && i == text.Length;
    }

    private static bool IsDate(ReadOnlySpan<char> text) =>
        text.Length == 10 && TryDigits(text, 0, 4, out var year) && text[4] == '-'
        && TryDigits(text, 5, 2, out var month) && text[7] == '-' && TryDigits(text, 8, 2, out var day)
        && month is >= 1 and <= 12 && day >= 1 && day <= DaysInMonth(year, month);

    private static bool IsTime(ReadOnlySpan<char> text)
    {
        if (text.Length < 9 || !TryDigits(text, 0, 2, out var hour) || text[2] != ':'
            || !TryDigits(text, 3, 2, out var minute) || text[5] != ':' || !TryDigits(text, 6, 2, out var second))
        {
            return false;
        }

        var i = 8;
        if (text[i] == '.')
        {
            var start = ++i;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                i++;
            }

            if (i == start)
            {
                return false;
            }
        }

        if (!TryOffset(text, i, out var offsetMinutes) || hour > 23 || minute > 59 || second > 60)
        {
            return false;
        }

        // A leap second is inserted at the end of a UTC day, whatever the local offset says.
        var utcMinute = (((hour * 60) + minute - offsetMinutes) % 1440 + 1440) % 1440;
        return second < 60 || utcMinute == 1439;
    }

    /// <summary>
    /// Reads numbers each followed by one of <paramref name="units"/>: any one to start, then only the
    /// next in line (P1Y2M3D, P2M3D, P1Y; never P1Y3D, which RFC 3339's grammar leaves out).
    /// </summary>
    private static bool TryUnits(string text, ref int i, string units, out int count)
    {
        count = 0;
        var next = 0;
        while (i < text.Length && char.IsAsciiDigit(text[i]))
        {
            var start = i;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                i++;
            }

            var unit = i < text.Length ? units.IndexOf(text[i], next) : -1;
            if (unit < 0 || (count > 0 && unit != next))
            {
                i = start;
                return false;
            }

            next = unit + 1;
            count++;
            i++;
        }

        return true;
    }

    private static bool TryOffset(ReadOnlySpan<char> text, int i, out int minutes)
    {
        minutes = 0;
        if (i == text.Length - 1 && text[i] is 'Z' or 'z')
        {
            return true;
        }

        if (i != text.Length - 6 || text[i] is not ('+' or '-') || text[i + 3] != ':'
            || !TryDigits(text, i + 1, 2, out var hours) || !TryDigits(text, i + 4, 2, out var mins)
            || hours > 23 || mins > 59)
        {
            return false;
        }

        minutes = (text[i] == '-' ? -1 : 1) * ((hours * 60) + mins);
        return true;
    }

    private static int DaysInMonth(int year, int month)
    {
        var leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
        return month switch
        {
            2 => leap ? 29 : 28,
            4 or 6 or 9 or 11 => 30,
            _ => 31,
        };
    }

    private static bool TryDigits(ReadOnlySpan<char> text, int start, int length, out int value)
    {
        value = 0;
        for (var i = start; i < start + length; i++)
        {
            if (i >= text.Length || !char.IsAsciiDigit(text[i]))
            {
                return false;
            }

            value = (value * 10) + (text[i] - '0');
        }

        return true;
    }
}
