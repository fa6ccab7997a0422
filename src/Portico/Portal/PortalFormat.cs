using System.Globalization;

namespace Portico.Portal;

/// <summary>How the portal shows values: times in UTC, the same way on every page.</summary>
internal static class PortalFormat
{
    public static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    public static string Time(DateTimeOffset? time, string none = "never") => time is { } value ? Time(value) : none;
}
