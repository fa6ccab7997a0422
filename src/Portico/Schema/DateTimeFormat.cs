namespace Portico.Schema;

/// <summary>
/// RFC 3339 <c>date-time</c>, checked by hand: ISO 8601's other shapes (week dates, missing
/// offsets) are not allowed, digits must be ASCII, and a leap second is only valid at 23:59:60 UTC.
/// </summary>
internal static class DateTimeFormat
{
    public static bool IsValid(string text)
    {
        // "2025-01-31T09:30:00Z" is the shortest form; the cap stops us walking a megabyte of fraction.
        if (text.Length is < 20 or > 64
            || !TryDigits(text, 0, 4, out var year) || text[4] != '-'
            || !TryDigits(text, 5, 2, out var month) || text[7] != '-'
            || !TryDigits(text, 8, 2, out var day) || text[10] is not ('T' or 't')
            || !TryDigits(text, 11, 2, out var hour) || text[13] != ':'
            || !TryDigits(text, 14, 2, out var minute) || text[16] != ':'
            || !TryDigits(text, 17, 2, out var second))
        {
            return false;
        }

        var i = 19;
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

        if (!TryOffset(text, i, out var offsetMinutes))
        {
            return false;
        }

        if (month is < 1 or > 12 || day < 1 || day > DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 60)
        {
            return false;
        }

        // A leap second is inserted at the end of a UTC day, whatever the local offset says.
        var utcMinute = (((hour * 60) + minute - offsetMinutes) % 1440 + 1440) % 1440;
        return second < 60 || utcMinute == 1439;
    }

    private static bool TryOffset(string text, int i, out int minutes)
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

    private static bool TryDigits(string text, int start, int length, out int value)
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
