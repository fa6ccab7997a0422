namespace Portico.Identity;

/// <summary>Bound from <c>Portico:Identity</c>.</summary>
internal sealed class IdentityOptions
{
    public const string SectionName = "Portico:Identity";

    /// <summary>
    /// The public base URL (<c>https://mcp.example.com</c>). Unset, it is taken from each request whose Host is a
    /// loopback name or one of <c>Portico:Mcp:AllowedHosts</c> (other Hosts are refused); set it behind a proxy, so
    /// issuer and audience never vary.
    /// </summary>
    public string? Issuer { get; set; }

    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromHours(1);

    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Codes are short-lived on purpose (OAuth 2.1): a user slower than this starts again.</summary>
    public TimeSpan CodeLifetime { get; set; } = TimeSpan.FromSeconds(60);

    public TimeSpan BrowserSessionLifetime { get; set; } = TimeSpan.FromHours(8);

    public TimeSpan DeviceCodeLifetime { get; set; } = TimeSpan.FromMinutes(10);

    public int DevicePollIntervalSeconds { get; set; } = 5;

    /// <summary>After this many consecutive failed sign-ins the account is locked for <see cref="LockoutDuration"/>.</summary>
    public int MaxFailedLogins { get; set; } = 5;

    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(15);
}
