// MCPEXP002: the SDK's alternate results (ResultOrAlternate, CallToolWithAlternateFilters) and its outgoing-request
// interceptor are experimental; they are exactly the hooks the tasks extension needs (the SDK's own extension uses them).
#pragma warning disable MCPEXP002

using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using Portico.Catalog;
using Portico.Hosting;
using Portico.Policy;
using Portico.Policy.Approvals;

namespace Portico.Tasks;

/// <summary>
/// The tasks extension (SEP-2663, <c>io.modelcontextprotocol/tasks</c>) on an SDK server: advertises it, decides which
/// <c>tools/call</c> becomes a task (the tool's <see cref="ToolDefinition.TaskSupport"/>, for a request that declares the
/// extension in its client capabilities), and serves <c>tasks/get</c>, <c>tasks/update</c> and <c>tasks/cancel</c> from
/// the store on any instance. <c>tasks/result</c> and <c>tasks/list</c> are not part of the extension: no handler, so
/// the SDK answers -32601.
/// </summary>
internal sealed partial class TaskServer(McpCatalog catalog, TaskStore store, TaskRunner runner, ToolCallPipeline pipeline,
    IOptionsMonitor<TaskOptions> options, IEnumerable<ITaskRelay> relays, ApprovalGate approvals, ILogger<TaskServer> logger)
{
    private readonly ITaskRelay[] _relays = [.. relays];

    public void Configure(McpServerOptions server)
    {
        server.Capabilities ??= new ServerCapabilities();
        server.Capabilities.Extensions ??= new Dictionary<string, object>();
        server.Capabilities.Extensions[TaskProtocol.ExtensionId] = new JsonObject();
        server.RequestHandlers ??= [];
        server.RequestHandlers.Add(new McpServerRequestHandler { Method = TaskProtocol.Get, RoutingNameParameter = "taskId", Handler = GetAsync });
        server.RequestHandlers.Add(new McpServerRequestHandler { Method = TaskProtocol.Update, RoutingNameParameter = "taskId", Handler = UpdateAsync });
        server.RequestHandlers.Add(new McpServerRequestHandler { Method = TaskProtocol.Cancel, RoutingNameParameter = "taskId", Handler = CancelAsync });
        server.Filters.Request.CallToolWithAlternateFilters.Add(CallToolAsync);
    }

    /// <summary>Runs the call as a task when the tool and the request say so; otherwise passes it on unchanged.</summary>
    private async ValueTask<ResultOrAlternate<CallToolResult>> CallToolAsync(RequestContext<CallToolRequestParams> request,
        McpRequestHandler<CallToolRequestParams, ResultOrAlternate<CallToolResult>> next, CancellationToken cancellationToken)
    {
        var call = McpCallContext.From(request.JsonRpcRequest);
        var name = request.Params?.Name;
        ToolDefinition? tool = null;
        var found = !string.IsNullOrEmpty(name) && CallTools.TryFind(catalog, call, name, out tool);
        // A call that needs approval waits for the decision as a Portico task (also an upstream's tool: the upstream gets the
        // approved call, not the wait).
        var gated = found && await approvals.RequiredForAsync(tool!, call, request.Params, cancellationToken);
        if (found && !gated && _relays.FirstOrDefault(r => r.Serves(tool!)) is { } relay)
        {
            // Whether it becomes a task is the upstream's decision (and its -32021 for a task-only tool, the client's answer).
            return await relay.CallToolAsync(tool!, Negotiated(request.JsonRpcRequest), request, next, cancellationToken);
        }

        var support = found ? tool!.TaskSupportFor?.Invoke(request.Params) ?? tool.TaskSupport : TaskSupport.Forbidden;
        if (gated && support == TaskSupport.Forbidden)
        {
            support = TaskSupport.Optional;
        }

        if (support == TaskSupport.Forbidden)
        {
            return await next(request, cancellationToken);
        }

        if (!Negotiated(request.JsonRpcRequest))
        {
            // A client that cannot hold a task gets the tool's answer directly, unless the tool only runs as one.
            return support == TaskSupport.Required ? throw MissingCapability($"Tool '{tool!.Name}' only runs as a task") : await next(request, cancellationToken);
        }

        // A caller who may not use the tool is refused the usual way, by the pipeline in this response: no task for it.
        if (ToolGate.CheckScope(tool!, call.Principal) is not null)
        {
            return await next(request, cancellationToken);
        }

        var limit = options.CurrentValue.MaxActivePerOwner;
        if (await store.CountActiveAsync(call.Principal.Id, cancellationToken) >= limit)
        {
            pipeline.AuditRefused(call, tool!, "TOO_MANY_TASKS");
            throw new McpProtocolException(
                $"Too many tasks: you have {limit} working or waiting for input. Wait for some to finish, or cancel them with tasks/cancel, then call again.",
                (McpErrorCode)JsonRpcErrorCodes.RateLimited);
        }

        var task = await runner.StartAsync(tool!, request, next, cancellationToken);
        return ResultOrAlternate<CallToolResult>.FromAlternate(TaskWire.Created(task), TasksJsonContext.Default.CreatedTaskResult);
    }

    private async ValueTask<JsonNode?> GetAsync(RequestContext<JsonNode?> request, CancellationToken cancellationToken)
    {
        var task = await FindAsync(request, TaskProtocol.Get, cancellationToken);
        if (RelayOf(task) is { } relay)
        {
            task = await relay.RefreshAsync(task, request, cancellationToken);
        }

        return TaskWire.Detailed(task);
    }

    /// <summary>Delivers answers to the task's input requests; answers to requests it does not have are ignored.</summary>
    private async ValueTask<JsonNode?> UpdateAsync(RequestContext<JsonNode?> request, CancellationToken cancellationToken)
    {
        var task = await FindAsync(request, TaskProtocol.Update, cancellationToken);
        if (request.Params?["inputResponses"] is not JsonObject responses)
        {
            throw new McpProtocolException("Invalid params for 'tasks/update': 'inputResponses' must be an object of answers keyed by the task's inputRequests keys.",
                McpErrorCode.InvalidParams);
        }

        foreach (var (key, answer) in responses)
        {
            if (answer is not JsonObject)
            {
                throw new McpProtocolException($"Invalid params for 'tasks/update': the answer to '{LogValue.Safe(key)}' must be an object (e.g. an elicitation result).",
                    McpErrorCode.InvalidParams);
            }
        }

        if (RelayOf(task) is { } relay)
        {
            await relay.UpdateAsync(task, responses, request, cancellationToken);
            return TaskWire.Ack();
        }

        await store.UpdateAsync(task.Id, stored =>
        {
            if (TaskStatuses.IsTerminal(stored.Status))
            {
                return false;
            }

            var pending = TaskInputs.Parse(stored.InputRequests);
            var answered = TaskInputs.Parse(stored.InputResponses);
            var taken = 0;
            foreach (var (key, answer) in responses)
            {
                if (pending.Remove(key))
                {
                    answered[key] = answer!.DeepClone();
                    taken++;
                }
            }

            if (taken == 0)
            {
                return false;
            }

            stored.InputRequests = pending.Count > 0 ? pending.ToJsonString() : null;
            stored.InputResponses = answered.ToJsonString();
            stored.Status = pending.Count > 0 ? TaskStatuses.InputRequired : TaskStatuses.Working;
            stored.StatusMessage = pending.Count > 0 ? stored.StatusMessage : null;
            return true;
        }, cancellationToken);
        return TaskWire.Ack();
    }

    /// <summary>Cancels the task (idempotent: a finished task keeps its status and the ack is the same).</summary>
    private async ValueTask<JsonNode?> CancelAsync(RequestContext<JsonNode?> request, CancellationToken cancellationToken)
    {
        var task = await FindAsync(request, TaskProtocol.Cancel, cancellationToken);
        if (RelayOf(task) is { } relay)
        {
            await relay.CancelAsync(task, request, cancellationToken);
            return TaskWire.Ack();
        }

        var cancelled = await store.UpdateAsync(task.Id, stored =>
        {
            if (TaskStatuses.IsTerminal(stored.Status))
            {
                return false;
            }

            stored.Status = TaskStatuses.Cancelled;
            stored.StatusMessage = "Cancelled by the client.";
            stored.InputRequests = null;
            stored.LeaseUntil = null;
            return true;
        }, cancellationToken);
        // Here at once; on another instance the saved change reaches the one running it.
        runner.CancelHere(task.Id);
        if (cancelled?.Status == TaskStatuses.Cancelled)
        {
            LogCancelled(logger, task.Id);
        }

        return TaskWire.Ack();
    }

    /// <summary>
    /// The task named by the request, if the caller may see it. An unknown id, an expired task and another owner's,
    /// tenant's or scope's task get the same -32602: the answer does not tell which.
    /// </summary>
    private async Task<TaskRecord> FindAsync(RequestContext<JsonNode?> request, string method, CancellationToken cancellationToken)
    {
        if (!TaskProtocol.IsSupportedRevision(RevisionOf(request.JsonRpcRequest)))
        {
            throw new McpProtocolException($"Method '{method}' is part of the tasks extension, which needs protocol revision {TaskProtocol.MinimumRevision} or later.",
                McpErrorCode.MethodNotFound);
        }

        if (!Negotiated(request.JsonRpcRequest))
        {
            throw MissingCapability($"'{method}'");
        }

        if (request.Params?["taskId"] is not JsonValue value || !value.TryGetValue<string>(out var taskId))
        {
            throw new McpProtocolException($"Invalid params for '{method}': 'taskId' (a string) is required.", McpErrorCode.InvalidParams);
        }

        var task = await store.FindAsync(taskId, cancellationToken);
        if (task is null || !TaskAccess.Allows(task, McpCallContext.From(request.JsonRpcRequest)))
        {
            throw new McpProtocolException($"Unknown task id for '{method}': no task with this id is visible to this credential (it never existed, expired, or belongs to someone else).",
                McpErrorCode.InvalidParams);
        }

        return task;
    }

    private ITaskRelay? RelayOf(TaskRecord task) => _relays.FirstOrDefault(r => r.Relays(task));

    /// <summary>The request declares the extension in its client capabilities (per request, or the session's).</summary>
    private static bool Negotiated(JsonRpcRequest request)
        => TaskProtocol.IsSupportedRevision(RevisionOf(request))
            && (request.Context?.ClientCapabilities?.Extensions?.ContainsKey(TaskProtocol.ExtensionId) is true
                || request.Params?["_meta"]?[MetaKeys.ClientCapabilities]?["extensions"] is JsonObject extensions && extensions.ContainsKey(TaskProtocol.ExtensionId));

    private static string? RevisionOf(JsonRpcRequest request)
        => request.Context?.ProtocolVersion
            ?? (request.Params?["_meta"]?[MetaKeys.ProtocolVersion] is JsonValue version && version.TryGetValue<string>(out var revision) ? revision : null);

    private static MissingRequiredClientCapabilityException MissingCapability(string what)
        => new(new ClientCapabilities { Extensions = new Dictionary<string, object> { [TaskProtocol.ExtensionId] = new JsonObject() } },
            $"{what} needs the '{TaskProtocol.ExtensionId}' extension: declare it in the request's _meta clientCapabilities.extensions.");

    [LoggerMessage(EventId = 809, Level = LogLevel.Information, Message = "Task {TaskId} cancelled by its owner")]
    private static partial void LogCancelled(ILogger logger, string taskId);
}
