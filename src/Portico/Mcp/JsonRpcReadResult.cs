using ModelContextProtocol.Protocol;

namespace Portico.Mcp;

/// <summary>A parsed message, or the error (code, message, hint) explaining why there is none.</summary>
internal sealed record JsonRpcReadResult(JsonRpcMessage? Message, string? Method, object? Id, int? ErrorCode, string? ErrorMessage, string? Hint)
{
    public static JsonRpcReadResult Fail(int code, string message, string hint, object? id = null) => new(null, null, id, code, message, hint);
}
