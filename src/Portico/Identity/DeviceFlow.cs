namespace Portico.Identity;

/// <summary>Device Authorization Grant (RFC 8628) names.</summary>
internal static class DeviceFlow
{
    public const string GrantType = "urn:ietf:params:oauth:grant-type:device_code";
}
