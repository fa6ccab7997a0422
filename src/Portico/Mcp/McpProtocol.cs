namespace Portico.Mcp;

/// <summary>Protocol facts the HTTP layer needs before the SDK sees a message.</summary>
internal static class McpProtocol
{
    public const string SessionIdHeader = "Mcp-Session-Id";
    public const string ProtocolVersionHeader = "MCP-Protocol-Version";
    public const string LastEventIdHeader = "Last-Event-ID";

    /// <summary>The first revision without sessions: requests carry their metadata themselves.</summary>
    public const string StatelessRevision = "2026-07-28";

    public static readonly string[] SupportedVersions = ["2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25", StatelessRevision];

    public static bool IsSupported(string version) => Array.IndexOf(SupportedVersions, version) >= 0;

    public static bool IsStateless(string? version) => version is not null && string.CompareOrdinal(version, StatelessRevision) >= 0;

    /// <summary>Longest <c>Mcp-Session-Id</c> looked up; Portico issues 32 characters.</summary>
    public const int MaxSessionIdLength = 256;

    /// <summary>
    /// A value that can be a session id at all: visible ASCII (0x21–0x7E, as the specification requires) and not
    /// absurdly long. Anything else is a malformed header (400); a plausible id the server does not know is 404, as
    /// the specification asks, so the client re-initializes — whatever shape the id has.
    /// </summary>
    public static bool IsPlausibleSessionId(string value)
    {
        if (value.Length is 0 or > MaxSessionIdLength)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (c is < '\x21' or > '\x7e')
            {
                return false;
            }
        }

        return true;
    }

    public static string NewSessionId() => Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
}
