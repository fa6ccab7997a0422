using System.Text.RegularExpressions;

namespace Portico.Gateway;

/// <summary>
/// What may travel as a header to an upstream: a name that is an RFC 9110 token and not one the
/// transport owns, and a value without control characters (HTAB aside). A CR or LF in a value would
/// end the header and start another (header injection), so values are checked when configured and
/// again just before they are sent (rows written before this check, tokens an authorization server issued).
/// </summary>
internal static partial class UpstreamHeaders
{
    /// <summary>Headers the HTTP client and the MCP transport set themselves; a static copy would break framing or the session.</summary>
    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Content-Length", "Content-Type", "Transfer-Encoding", "Connection", "Upgrade", "TE", "Trailer", "Keep-Alive",
        "Proxy-Connection", "Expect", "Mcp-Session-Id", "Mcp-Protocol-Version", "Last-Event-ID",
    };

    public static bool IsName(string name) => NamePattern().IsMatch(name);

    /// <summary>No CR, LF, NUL or other control character (RFC 9110 field-value; HTAB is allowed).</summary>
    public static bool IsValue(string value) => !value.Any(c => (c < 0x20 && c != '\t') || c == 0x7F);

    /// <summary>The problem with a header, for an error message that never quotes the value (it may be a secret); null when it may be sent.</summary>
    public static string? Problem(string name, string value, bool isStatic = true)
        => !IsName(name) ? $"'{Printable(name)}' is not a valid header name: use letters, digits and !#$%&'*+.^_`|~- only (an RFC 9110 token, at most 128 characters)."
            : isStatic && Reserved.Contains(name) ? $"The header '{name}' is set by Portico's HTTP client itself and cannot be configured."
            : !IsValue(value) ? $"The value of header '{name}' contains a line break or another control character, which would end the header early (header injection)."
            : null;

    /// <summary>Throws before anything is sent when a header cannot travel as it is.</summary>
    public static void EnsureSendable(string upstream, IReadOnlyDictionary<string, string> headers)
    {
        foreach (var (name, value) in headers)
        {
            if (Problem(name, value, isStatic: false) is { } problem)
            {
                throw new InvalidOperationException($"Portico refused to send a request to upstream '{upstream}': {problem} "
                    + "An operator must re-add the upstream with a valid header (portico upstreams add --header \"Name: value\"), or the credential must be stored again.");
            }
        }
    }

    private static string Printable(string text)
        => new([.. text.Take(64).Select(c => char.IsControl(c) ? '?' : c)]);

    [GeneratedRegex("^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,128}$")]
    private static partial Regex NamePattern();
}
