namespace Portico.Gateway;

/// <summary>An upstream MCP server as stored: lists and maps are JSON text so both providers store them alike.</summary>
internal sealed class UpstreamRecord
{
    /// <summary>The upstream's name, which is also the prefix of its tools.</summary>
    public required string Name { get; set; }

    /// <summary><c>http</c> (Streamable HTTP) or <c>stdio</c>.</summary>
    public required string Transport { get; set; }

    public string? Url { get; set; }

    /// <summary>Static request headers (JSON object).</summary>
    public string HeadersJson { get; set; } = "{}";

    public string? Command { get; set; }

    /// <summary>Command arguments (JSON array).</summary>
    public string ArgsJson { get; set; } = "[]";

    /// <summary>Environment variables of the process (JSON object).</summary>
    public string EnvJson { get; set; } = "{}";

    public string? WorkingDirectory { get; set; }

    public bool Enabled { get; set; } = true;

    /// <summary>Upstream tool names to offer (JSON array; empty offers all).</summary>
    public string AllowToolsJson { get; set; } = "[]";

    /// <summary>Upstream tool names never to offer (JSON array).</summary>
    public string DenyToolsJson { get; set; } = "[]";

    public long TimeoutMs { get; set; }

    /// <summary><c>none</c>, <c>tenant</c> or <c>user</c>.</summary>
    public required string CredentialMode { get; set; }

    /// <summary>The request header a stored credential travels in.</summary>
    public string CredentialHeader { get; set; } = UpstreamDefinition.DefaultCredentialHeader;

    /// <summary>The header's value, with <c>{secret}</c> where the secret goes.</summary>
    public string CredentialFormat { get; set; } = UpstreamDefinition.DefaultCredentialFormat;

    /// <summary>The MCP revision Portico speaks to it: <c>2025-11-25</c> (sessions) or <c>2026-07-28</c> (stateless).</summary>
    public string ProtocolVersion { get; set; } = UpstreamDefinition.DefaultProtocol;

    public DateTimeOffset CreatedAt { get; set; }
}
