using System.Globalization;
using System.Text;

namespace Portico.Hosting;

/// <summary>
/// A value the caller controls (method and tool names, session ids, headers, paths, client names, emails)
/// made safe for a log line or scope: control characters are escaped, so nobody forges log lines or
/// terminal escapes, and the value is cut short, so a 3 MB method name costs a few hundred bytes of log.
/// A <c>[LoggerMessage]</c> parameter typed <see cref="LogValue"/> takes a string as it is and does the
/// work only when the line is written.
/// </summary>
internal readonly struct LogValue(string? value)
{
    public const int MaxChars = 200;

    public static implicit operator LogValue(string? value) => new(value);

    public override string ToString() => Safe(value);

    public static string Safe(string? value)
    {
        if (value is null)
        {
            return "";
        }

        var keep = Math.Min(value.Length, MaxChars);
        if (keep > 0 && char.IsHighSurrogate(value[keep - 1]) && keep < value.Length)
        {
            keep--; // never split a surrogate pair
        }

        if (keep == value.Length && !NeedsEscaping(value))
        {
            return value;
        }

        var builder = new StringBuilder(keep + 32);
        for (var i = 0; i < keep; i++)
        {
            var c = value[i];
            if (char.IsControl(c) || IsLoneSurrogate(value, i) || c is '\u2028' or '\u2029')
            {
                builder.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
            }
            else
            {
                builder.Append(c);
            }
        }

        if (keep < value.Length)
        {
            builder.Append(CultureInfo.InvariantCulture, $"…({Encoding.UTF8.GetByteCount(value)} bytes)");
        }

        return builder.ToString();
    }

    private static bool NeedsEscaping(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            if (char.IsControl(value[i]) || IsLoneSurrogate(value, i) || value[i] is '\u2028' or '\u2029')
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsLoneSurrogate(string value, int i)
        => char.IsHighSurrogate(value[i]) ? i + 1 >= value.Length || !char.IsLowSurrogate(value[i + 1])
            : char.IsLowSurrogate(value[i]) && (i == 0 || !char.IsHighSurrogate(value[i - 1]));
}
