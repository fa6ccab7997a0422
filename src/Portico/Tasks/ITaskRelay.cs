// MCPEXP002: the SDK's alternate results (ResultOrAlternate) are experimental; the tasks extension is built on them.
#pragma warning disable MCPEXP002

using System.Text.Json.Nodes;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using Portico.Catalog;

namespace Portico.Tasks;

/// <summary>
/// Tasks run by someone else and relayed by Portico (the gateway: an upstream that speaks the extension itself). The
/// relay starts them from <c>tools/call</c> of the tools it serves and answers <c>tasks/get</c>, <c>tasks/update</c> and
/// <c>tasks/cancel</c> for the tasks it stored; <see cref="TaskServer"/> checks who may see a task before asking it.
/// </summary>
internal interface ITaskRelay
{
    /// <summary>Whether calls of <paramref name="tool"/> go through this relay.</summary>
    bool Serves(ToolDefinition tool);

    /// <summary>Runs the call (the policy pipeline is <paramref name="next"/>); answers a created task when the upstream made one.</summary>
    ValueTask<ResultOrAlternate<CallToolResult>> CallToolAsync(ToolDefinition tool, bool negotiated, RequestContext<CallToolRequestParams> request,
        McpRequestHandler<CallToolRequestParams, ResultOrAlternate<CallToolResult>> next, CancellationToken cancellationToken);

    /// <summary>Whether <paramref name="task"/> is one this relay stored.</summary>
    bool Relays(TaskRecord task);

    /// <summary>The task as it is now (asked of whoever runs it unless it ended), stored and returned.</summary>
    Task<TaskRecord> RefreshAsync(TaskRecord task, RequestContext<JsonNode?> request, CancellationToken cancellationToken);

    Task UpdateAsync(TaskRecord task, JsonObject responses, RequestContext<JsonNode?> request, CancellationToken cancellationToken);

    Task CancelAsync(TaskRecord task, RequestContext<JsonNode?> request, CancellationToken cancellationToken);
}
