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

    /// <summary>Session ids Portico issues: 32 lowercase hex characters.</summary>
    public static bool IsWellFormedSessionId(string value)
    {
        if (value.Length != 32)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!char.IsAsciiHexDigitLower(c) && !char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    public static string NewSessionId() => Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
}
