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
}
