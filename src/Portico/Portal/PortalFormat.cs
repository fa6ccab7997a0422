using System.Globalization;

namespace Portico.Portal;

/// <summary>How the portal writes times: UTC, one format everywhere, so a time on a page matches the audit trail and the logs.</summary>
internal static class PortalFormat
{
    public static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    public static string Time(DateTimeOffset? at, string none = "—") => at is { } value ? Time(value) : none;

    /// <summary>To the second, where calls a few seconds apart must be told apart (the audit trail).</summary>
    public static string Precise(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    public static string Number(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>A time, or <paramref name="none"/> when there is none (a key never used).</summary>
    public static string When(DateTimeOffset? at, string none = "never") => at is { } value ? Time(value) : none;
}
