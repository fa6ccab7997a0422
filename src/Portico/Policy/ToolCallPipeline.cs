using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using Portico.Mcp;

namespace Portico.Policy;

/// <summary>
/// Every <c>tools/call</c> goes through here: resolve the tool, invoke it, and turn any failure
/// into the error envelope. A tool never throws to the client.
/// </summary>
internal sealed partial class ToolCallPipeline(McpCatalog catalog, ILogger<ToolCallPipeline> logger)
{
    public async ValueTask<CallToolResult> InvokeAsync(RequestContext<CallToolRequestParams> request, CancellationToken cancellationToken)
    {
        var name = request.Params?.Name;
        if (string.IsNullOrEmpty(name))
        {
            throw new McpProtocolException("tools/call needs a tool 'name'.", McpErrorCode.InvalidParams);
        }

        if (!catalog.TryGetTool(name, out var tool))
        {
            throw new McpProtocolException($"Unknown tool: '{name}'. Call tools/list for the tools available to you.", McpErrorCode.InvalidParams);
        }

        var call = McpCallContext.From(request.JsonRpcRequest);
        try
        {
            return await tool.Handler(new ToolInvocation(request, call), cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (McpProtocolException)
        {
            throw;
        }
        catch (Exception ex)
        {
            LogToolFailed(logger, ex, tool.Name, call.RequestId);
            return ToolError.Result("INTERNAL_ERROR", $"Tool '{tool.Name}' failed unexpectedly.", "Retry the call; if it keeps failing, report the request id to the operator.", call.RequestId);
        }
    }

    [LoggerMessage(EventId = 300, Level = LogLevel.Error, Message = "Tool {Tool} failed (request {RequestId})")]
    private static partial void LogToolFailed(ILogger logger, Exception exception, string tool, string requestId);
}
