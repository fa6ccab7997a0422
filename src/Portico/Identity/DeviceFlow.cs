namespace Portico.Identity;

/// <summary>Device Authorization Grant (RFC 8628) names.</summary>
internal static class DeviceFlow
{
    public const string GrantType = "urn:ietf:params:oauth:grant-type:device_code";

    public const string AuthorizationPath = "/oauth/device_authorization";

    /// <summary>The page a user opens on another device to enter the user code (the <c>verification_uri</c>).</summary>
    public const string VerificationPath = "/oauth/device";

    /// <summary>
    /// The built-in public client of the <c>authenticate</c> session tool. Reserved: the device
    /// authorization endpoint refuses it, so nobody else borrows its first-party name on the device page.
    /// </summary>
    public const string SessionClientId = "portico-session";

    public const string Pending = "pending";
    public const string Approved = "approved";
    public const string Denied = "denied";
    public const string Used = "used";

    /// <summary>The first characters of an MCP session id, enough for a person to compare what two screens show.</summary>
    public static string ShortSessionId(string sessionId) => sessionId.Length <= 8 ? sessionId : sessionId[..8];

    public static string VerificationUri(string issuer) => issuer + VerificationPath;

    /// <summary>The page with the user code filled in, for a QR code or a link (RFC 8628 3.3.1).</summary>
    public static string VerificationUriComplete(string issuer, string userCode) => $"{issuer}{VerificationPath}?user_code={Uri.EscapeDataString(userCode)}";
}
