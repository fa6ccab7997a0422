using Portico.Hosting;

namespace Portico.Mcp;

/// <summary>Why a request is refused before the SDK sees it: the HTTP status, the JSON-RPC code, what is wrong and how to fix it.</summary>
internal sealed record McpRequestRefusal(int Status, int Code, string Message, string Hint)
{
    public Task WriteAsync(HttpContext context, object? id) => JsonErrors.WriteJsonRpcAsync(context, Status, Code, Message, Hint, id: id);
}
