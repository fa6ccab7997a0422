using System.Text.Json;
using System.Text.RegularExpressions;

namespace Portico.Gateway;

/// <summary>An upstream's configuration, parsed from its record and checked: what the gateway connects to and how.</summary>
internal sealed partial record UpstreamDefinition
{
    public const string CredentialsNone = "none";
    public const string CredentialsTenant = "tenant";
    public const string CredentialsUser = "user";

    /// <summary>Portico is the OAuth client of the upstream and holds each user's tokens (see <see cref="UpstreamOAuth"/>).</summary>
    public const string CredentialsOAuth = "oauth";
    public const string DefaultCredentialHeader = "Authorization";
    public const string DefaultCredentialFormat = "Bearer {secret}";
    public const string SecretPlaceholder = "{secret}";

    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    /// <summary>The revision spoken to an upstream unless it is configured otherwise (most servers speak it).</summary>
    public const string DefaultProtocol = "2025-11-25";

    /// <summary>The revisions Portico can speak to an upstream, and bridge to its clients' (see docs/gateway.md).</summary>
    public static readonly string[] Protocols = [DefaultProtocol, Mcp.McpProtocol.StatelessRevision];

    public required string Name { get; init; }

    public required string Transport { get; init; }

    public Uri? Url { get; init; }

    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    public string? Command { get; init; }

    public IReadOnlyList<string> Args { get; init; } = [];

    public IReadOnlyDictionary<string, string> Env { get; init; } = new Dictionary<string, string>();

    public string? WorkingDirectory { get; init; }

    public bool Enabled { get; init; } = true;

    public IReadOnlyList<string> AllowTools { get; init; } = [];

    public IReadOnlyList<string> DenyTools { get; init; } = [];

    public TimeSpan Timeout { get; init; } = DefaultTimeout;

    public string CredentialMode { get; init; } = CredentialsNone;

    /// <summary>The MCP revision Portico speaks to it (<see cref="Protocols"/>); pinned, so connecting costs no probe.</summary>
    public string Protocol { get; init; } = DefaultProtocol;

    /// <summary>Whether it speaks the stateless revision (2026-07-28): it answers with input-required results instead of asking during a call.</summary>
    public bool IsStateless => Mcp.McpProtocol.IsStateless(Protocol);

    /// <summary>The request header a stored credential travels in (<c>user</c> and <c>tenant</c> modes).</summary>
    public string CredentialHeader { get; init; } = DefaultCredentialHeader;

    /// <summary>The header's value, <see cref="SecretPlaceholder"/> standing for the secret.</summary>
    public string CredentialFormat { get; init; } = DefaultCredentialFormat;

    /// <summary>Whether calls need a stored credential (of the user, of the tenant, or the user's OAuth tokens).</summary>
    public bool NeedsCredential => CredentialMode is CredentialsUser or CredentialsTenant or CredentialsOAuth;

    /// <summary>The format when none is given: a bearer token in <c>Authorization</c>, the bare secret in any other header.</summary>
    public static string DefaultFormatFor(string header)
        => string.Equals(header, DefaultCredentialHeader, StringComparison.OrdinalIgnoreCase) ? DefaultCredentialFormat : SecretPlaceholder;

    /// <summary>The header that carries <paramref name="secret"/> to this upstream.</summary>
    public KeyValuePair<string, string> CredentialHeaderFor(string secret)
        => new(CredentialHeader, CredentialFormat.Replace(SecretPlaceholder, secret, StringComparison.Ordinal));

    /// <summary>The header that carries a stored credential: its secret, or for <c>oauth</c> the access token among the tokens stored.</summary>
    public KeyValuePair<string, string> CredentialHeaderFor(UpstreamCredential credential)
        => CredentialHeaderFor(CredentialMode == CredentialsOAuth ? UpstreamOAuthTokens.Parse(credential.Secret).AccessToken : credential.Secret);

    /// <summary>Whether both describe the same configuration (the collections compare by content).</summary>
    public bool SameAs(UpstreamDefinition other)
        => ReferenceEquals(this, other) || Fingerprint() == other.Fingerprint();

    private string Fingerprint()
    {
        var record = ToRecord(DateTimeOffset.UnixEpoch);
        return string.Join('\n', record.Name, record.Transport, record.Url, record.HeadersJson, record.Command, record.ArgsJson, record.EnvJson,
            record.WorkingDirectory, record.Enabled, record.AllowToolsJson, record.DenyToolsJson, record.TimeoutMs, record.CredentialMode, record.CredentialHeader, record.CredentialFormat, record.ProtocolVersion);
    }

    /// <summary>Whether the upstream tool <paramref name="tool"/> is offered (allow list, then deny list).</summary>
    public bool Offers(string tool) => (AllowTools.Count == 0 || AllowTools.Contains(tool)) && !DenyTools.Contains(tool);

    /// <summary>Where it is, for lists and logs (never the headers: they may carry secrets).</summary>
    public string Target => UpstreamTransport.Find(Transport)?.Target(this) ?? Transport;

    /// <summary>
    /// Names are prefixes of tool names (<c>name__tool</c>), so they are short, lower case and
    /// never contain the separator; a name that breaks this is refused, not mangled.
    /// </summary>
    public static string? CheckName(string name)
        => NamePattern().IsMatch(name) && !name.Contains("__", StringComparison.Ordinal) ? null
            : $"'{name}' is not a valid upstream name: use 1-32 lower-case letters, digits, '-' or '_' (starting with a letter or digit, no '__').";

    public static UpstreamDefinition FromRecord(UpstreamRecord record) => new()
    {
        Name = record.Name,
        Transport = record.Transport,
        Url = record.Url is null ? null : new Uri(record.Url),
        Headers = Map(record.HeadersJson),
        Command = record.Command,
        Args = List(record.ArgsJson),
        Env = Map(record.EnvJson),
        WorkingDirectory = record.WorkingDirectory,
        Enabled = record.Enabled,
        AllowTools = List(record.AllowToolsJson),
        DenyTools = List(record.DenyToolsJson),
        Timeout = record.TimeoutMs > 0 ? TimeSpan.FromMilliseconds(record.TimeoutMs) : DefaultTimeout,
        CredentialMode = record.CredentialMode,
        CredentialHeader = record.CredentialHeader,
        CredentialFormat = record.CredentialFormat,
        Protocol = record.ProtocolVersion,
    };

    public UpstreamRecord ToRecord(DateTimeOffset createdAt) => new()
    {
        Name = Name,
        Transport = Transport,
        Url = Url?.ToString(),
        HeadersJson = JsonSerializer.Serialize(Headers, GatewayJsonContext.Default.IReadOnlyDictionaryStringString),
        Command = Command,
        ArgsJson = JsonSerializer.Serialize(Args, GatewayJsonContext.Default.IReadOnlyListString),
        EnvJson = JsonSerializer.Serialize(Env, GatewayJsonContext.Default.IReadOnlyDictionaryStringString),
        WorkingDirectory = WorkingDirectory,
        Enabled = Enabled,
        AllowToolsJson = JsonSerializer.Serialize(AllowTools, GatewayJsonContext.Default.IReadOnlyListString),
        DenyToolsJson = JsonSerializer.Serialize(DenyTools, GatewayJsonContext.Default.IReadOnlyListString),
        TimeoutMs = (long)Timeout.TotalMilliseconds,
        CredentialMode = CredentialMode,
        CredentialHeader = CredentialHeader,
        CredentialFormat = CredentialFormat,
        ProtocolVersion = Protocol,
        CreatedAt = createdAt,
    };

    /// <summary>Every problem with this definition, as one readable message; null when it is usable.</summary>
    public string? Problem()
    {
        if (CheckName(Name) is { } badName)
        {
            return badName;
        }

        if (CredentialProblem() is { } badCredential)
        {
            return badCredential;
        }

        if (Headers.Select(h => UpstreamHeaders.Problem(h.Key, h.Value)).FirstOrDefault(p => p is not null) is { } badHeader)
        {
            return badHeader + " (--header \"Name: value\")";
        }

        if (Env.Keys.FirstOrDefault(k => k.Length == 0 || k.Contains('=', StringComparison.Ordinal) || k.Any(char.IsControl)) is { } badEnv)
        {
            return $"'{badEnv}' is not a valid environment variable name (--env NAME=value).";
        }

        if (Env.Any(e => e.Value.Contains('\0', StringComparison.Ordinal)) || Args.Any(a => a.Contains('\0', StringComparison.Ordinal)))
        {
            return "An argument or environment value contains a NUL character, which a process cannot receive.";
        }

        if (Array.IndexOf(Protocols, Protocol) < 0)
        {
            return $"Unknown protocol revision '{Protocol}': use {string.Join(" or ", Protocols)} (--protocol).";
        }

        if (UpstreamTransport.Find(Transport) is not { } transport)
        {
            return UpstreamTransport.UnknownProblem(Transport);
        }

        return transport.Problem(this)
            ?? (CredentialMode is CredentialsNone or CredentialsTenant or CredentialsUser or CredentialsOAuth ? null
                : $"Unknown credential mode '{CredentialMode}': use none, tenant, user or oauth.");
    }

    private string? CredentialProblem()
    {
        if (!NeedsCredential)
        {
            return null;
        }

        if (UpstreamTransport.Find(Transport) is not { CarriesCredentials: true })
        {
            return $"Credential mode '{CredentialMode}' needs an http upstream: the secret travels in a request header.";
        }

        if (CredentialMode == CredentialsOAuth && (CredentialHeader != DefaultCredentialHeader || CredentialFormat != DefaultCredentialFormat))
        {
            return "Credential mode 'oauth' sends the access token as 'Authorization: Bearer …' (RFC 6750); leave out --credential-header and --credential-format.";
        }

        if (UpstreamHeaders.Problem(CredentialHeader, "") is { } badHeader)
        {
            return badHeader + " (--credential-header)";
        }

        if (!CredentialFormat.Contains(SecretPlaceholder, StringComparison.Ordinal) || !UpstreamHeaders.IsValue(CredentialFormat))
        {
            return $"The credential format must contain {SecretPlaceholder} (where the secret goes) and no line breaks or other control characters (--credential-format).";
        }

        return Headers.Keys.Any(h => string.Equals(h, CredentialHeader, StringComparison.OrdinalIgnoreCase))
            ? $"The static header '{CredentialHeader}' would collide with the stored credentials, which travel in it: drop the header or pick another --credential-header."
            : null;
    }

    private static Dictionary<string, string> Map(string json)
        => JsonSerializer.Deserialize(json, GatewayJsonContext.Default.DictionaryStringString) ?? [];

    private static List<string> List(string json)
        => JsonSerializer.Deserialize(json, GatewayJsonContext.Default.ListString) ?? [];

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,31}$")]
    private static partial Regex NamePattern();
}
