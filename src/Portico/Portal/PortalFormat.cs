using System.Globalization;

namespace Portico.Portal;

/// <summary>How the portal writes values: times in UTC, the same way on every page.</summary>
internal static class PortalFormat
{
    public static string When(DateTimeOffset? at, string none = "never")
        => at is { } value ? value.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture) : none;
}
