using System.Globalization;
using Portico.Access;

namespace Portico.Cli;

/// <summary>Reads <c>--expires</c>: a span from now (<c>30d</c>, <c>12h</c>, <c>90m</c>) or an ISO-8601 date or time (UTC unless it says otherwise).</summary>
internal static class CliExpiry
{
    private const string Hint = "Pass --expires as 30d, 12h or 90m from now, or an ISO-8601 date such as 2030-12-31 (midnight UTC) or 2030-12-31T18:00:00Z.";
    private static readonly TimeSpan MaxAhead = TimeSpan.FromDays(100 * 366);

    private static readonly string[] IsoFormats =
    [
        "yyyy-MM-dd", "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mmK", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ssK",
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK",
    ];

    /// <summary>The expiry, or null for none; throws <see cref="AccessException"/> for anything else or a time not in the future.</summary>
    public static DateTimeOffset? Parse(string? value, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var text = value.Trim();
        var at = FromNow(text, now) ?? (DateTimeOffset.TryParseExact(text, IsoFormats, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed) ? parsed : (DateTimeOffset?)null)
            ?? throw new AccessException($"'{value}' is not an expiry.", Hint);
        if (at <= now)
        {
            throw new AccessException($"The expiry {CliTable.When(at)} is not in the future.", Hint);
        }

        if (at - now > MaxAhead)
        {
            throw new AccessException($"The expiry '{value}' is more than 100 years ahead.", "Leave --expires out for a key that does not expire.");
        }

        return at;
    }

    private static DateTimeOffset? FromNow(string text, DateTimeOffset now)
    {
        TimeSpan? unit = text[^1] switch
        {
            'd' => TimeSpan.FromDays(1),
            'h' => TimeSpan.FromHours(1),
            'm' => TimeSpan.FromMinutes(1),
            _ => null,
        };
        if (unit is null || !int.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var amount) || amount <= 0)
        {
            return null;
        }

        // Compare before multiplying, so a huge amount cannot overflow.
        return amount > MaxAhead / unit.Value ? now + MaxAhead + unit.Value : now + (unit.Value * amount);
    }
}
