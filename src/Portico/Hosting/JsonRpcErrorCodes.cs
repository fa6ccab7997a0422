namespace Portico.Hosting;

/// <summary>The JSON-RPC error codes Portico answers with (ARCHITECTURE.md, error model).</summary>
internal static class JsonRpcErrorCodes
{
    public const int ParseError = -32700;
    public const int InvalidRequest = -32600;
    public const int MethodNotFound = -32601;
    public const int InvalidParams = -32602;
    public const int InternalError = -32603;
    public const int Unauthorized = -32001;
    public const int SessionNotFound = -32001;
    public const int RateLimited = -32004;

    /// <summary>A header that mirrors the body (MCP-Protocol-Version, Mcp-Method, Mcp-Name, Mcp-Param-*) is missing, malformed or differs (2026-07-28).</summary>
    public const int HeaderMismatch = -32020;

    /// <summary>The request needs a client capability its <c>_meta</c> does not declare (2026-07-28).</summary>
    public const int MissingRequiredClientCapability = -32021;

    /// <summary>The protocol version is not served; <c>data</c> lists the supported ones (2026-07-28).</summary>
    public const int UnsupportedProtocolVersion = -32022;
}
