// MCPEXP002: the SDK's alternate results (ResultOrAlternate) and a request's routing name (Mcp-Name) are experimental; the tasks extension is built on them.
#pragma warning disable MCPEXP002

using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using Portico.Catalog;
using Portico.Hosting;
using Portico.Tasks;

namespace Portico.Gateway;

/// <summary>
/// Upstream tasks relayed as Portico's own. A client that declared the tasks extension calls an upstream tool; when the
/// upstream speaks the extension too, Portico calls it with the extension declared, and a task the upstream creates is
/// stored as a Portico task (a new id; the upstream's id stays in the row, bound to the owner like any task) and answered
/// as created. <c>tasks/get</c>, <c>tasks/update</c> and <c>tasks/cancel</c> on it are relayed to the upstream task, from
/// whichever instance the request reaches, over that instance's pooled session of the caller's credential.
/// <para>
/// On demand, not tracked in the background: the extension is poll-based (a client learns a task's state from
/// <c>tasks/get</c>; status notifications are optional), so asking the upstream when the client asks gives the same
/// answers with no worker, no lease and no instance owning the task. A finished task is kept as it ended and answered
/// from the store (the upstream may forget it sooner).
/// </para>
/// </summary>
internal sealed partial class UpstreamTaskRelay(GatewayToolSource tools, UpstreamCalls calls, TaskStore store, IOptionsMonitor<TaskOptions> options,
    TimeProvider time, ILogger<UpstreamTaskRelay> logger) : ITaskRelay
{
    /// <summary>Pool identities of the sessions that speak the newest revision (beside the pinned one of the same credential).</summary>
    public const string IdentitySuffix = "|newest";

    public bool Serves(ToolDefinition tool) => tools.UpstreamOf(tool) is not null;

    public bool Relays(TaskRecord task) => task.UpstreamTaskId is not null;

    public async ValueTask<ResultOrAlternate<CallToolResult>> CallToolAsync(ToolDefinition tool, bool negotiated, RequestContext<CallToolRequestParams> request,
        McpRequestHandler<CallToolRequestParams, ResultOrAlternate<CallToolResult>> next, CancellationToken cancellationToken)
    {
        if (!negotiated)
        {
            // Asked without the extension, so an upstream tool that only runs as a task refuses it with -32021 (UpstreamCalls).
            return await next(request, cancellationToken);
        }

        var start = new UpstreamTaskStart(this);
        start.AttachTo(request.JsonRpcRequest);
        var outcome = await next(request, cancellationToken);
        if (start.Created is not { } created || start.Upstream is not { } upstream)
        {
            return outcome;
        }

        var task = await StoreAsync(tool, upstream, created, McpCallContext.From(request.JsonRpcRequest), cancellationToken);
        return ResultOrAlternate<CallToolResult>.FromAlternate(TaskWire.Created(task), TasksJsonContext.Default.CreatedTaskResult);
    }

    /// <summary>
    /// The upstream tool's call for a client that holds tasks (the policy pipeline ran every gate before it): over a session
    /// of the newest revision, with the extension declared. An upstream that does not speak the extension gets the usual call.
    /// </summary>
    public async ValueTask<CallToolResult> StartAsync(UpstreamTaskStart start, UpstreamDefinition upstream, string tool, ToolInvocation invocation,
        Func<ValueTask<CallToolResult>> plain, CancellationToken cancellationToken)
    {
        var parameters = new JsonObject
        {
            ["name"] = tool,
            ["arguments"] = JsonNode.Parse(invocation.Arguments.GetRawText()),
            ["_meta"] = new JsonObject { [MetaKeys.ClientCapabilities] = DeclaringTasks() },
        };
        var answer = await calls.RunAsync(upstream, invocation.Request.JsonRpcRequest, $"tool '{LogValue.Safe(tool)}'", newest: true,
            async (client, ct) => SpeaksTasks(client) ? await client.SendRequestAsync<JsonObject, JsonObject>(RequestMethods.ToolsCall, parameters, McpJson.Options, cancellationToken: ct) : null,
            cancellationToken);
        if (answer is null)
        {
            return await plain();
        }

        if ((string?)answer["resultType"] == "task")
        {
            if (answer["taskId"] is not JsonValue id || !id.TryGetValue<string>(out var upstreamId) || upstreamId.Length == 0)
            {
                throw new McpProtocolException($"Upstream '{upstream.Name}' answered '{LogValue.Safe(tool)}' with a task without an id; ask its operator to check the upstream.",
                    McpErrorCode.InternalError);
            }

            (start.Created, start.Upstream) = (answer, upstream);
            // Replaced by the created task once the pipeline is done (its audit records the call that created it).
            return new CallToolResult { Content = [new TextContentBlock { Text = $"Upstream '{upstream.Name}' runs '{tool}' as a task." }] };
        }

        // The upstream answered at once (a tool that is never a task, or the extension's immediate-result shortcut).
        answer.Remove("resultType");
        return answer.Deserialize<CallToolResult>(McpJson.Options)
            ?? throw new McpProtocolException($"Upstream '{upstream.Name}' answered '{LogValue.Safe(tool)}' with no result.", McpErrorCode.InternalError);
    }

    public async Task<TaskRecord> RefreshAsync(TaskRecord task, RequestContext<JsonNode?> request, CancellationToken cancellationToken)
    {
        if (TaskStatuses.IsTerminal(task.Status))
        {
            return task;
        }

        if (UpstreamOf(task) is not { } upstream)
        {
            return await EndAsync(task, TaskStatuses.Failed, $"Upstream '{task.Source}' is no longer served here, so this task cannot be followed; run the tool again once it is back.");
        }

        JsonObject upstreamTask;
        try
        {
            upstreamTask = await SendAsync(upstream, task, TaskProtocol.Get, null, request, cancellationToken);
        }
        catch (McpProtocolException ex) when (ex.ErrorCode == McpErrorCode.InvalidParams)
        {
            return await EndAsync(task, TaskStatuses.Failed, $"Upstream '{upstream.Name}' no longer knows this task (it expired there, or the upstream lost it); run the tool again.");
        }

        var status = (string?)upstreamTask["status"];
        if (status is null || !(TaskStatuses.IsTerminal(status) || TaskStatuses.Active.Contains(status)))
        {
            throw new McpProtocolException($"Upstream '{upstream.Name}' reported this task with an unknown status; retry, or ask its operator to check the upstream.",
                McpErrorCode.InternalError);
        }

        var message = Scrub((string?)upstreamTask["statusMessage"], task);
        var result = Json(upstreamTask["result"], task);
        var error = Json(upstreamTask["error"], task);
        var inputs = Json(upstreamTask["inputRequests"], task);
        var retention = options.CurrentValue.MinimumRetention;
        var saved = await store.UpdateAsync(task.Id, stored =>
        {
            if (TaskStatuses.IsTerminal(stored.Status)
                || (stored.Status == status && stored.StatusMessage == message && stored.InputRequests == inputs && !TaskStatuses.IsTerminal(status)))
            {
                return false;
            }

            stored.Status = status;
            stored.StatusMessage = message;
            stored.InputRequests = status == TaskStatuses.InputRequired ? inputs ?? "{}" : null;
            stored.Result = status == TaskStatuses.Completed ? result : null;
            stored.Error = status == TaskStatuses.Failed
                ? error ?? TaskWire.Error((int)McpErrorCode.InternalError, message ?? $"The task failed on upstream '{upstream.Name}'.")
                : null;
            if (TaskStatuses.IsTerminal(status))
            {
                LogEnded(logger, task.Id, upstream.Name, status);
                Retain(stored, retention);
            }

            return true;
        }, cancellationToken);
        return saved ?? task;
    }

    public async Task UpdateAsync(TaskRecord task, JsonObject responses, RequestContext<JsonNode?> request, CancellationToken cancellationToken)
    {
        if (TaskStatuses.IsTerminal(task.Status) || UpstreamOf(task) is not { } upstream)
        {
            return; // answers to a task that ended are ignored, as for any task
        }

        await SendAsync(upstream, task, TaskProtocol.Update, new JsonObject { ["inputResponses"] = responses.DeepClone() }, request, cancellationToken);
    }

    /// <summary>Cancelled here whatever the upstream says (the client is done with it); the upstream is asked to stop too.</summary>
    public async Task CancelAsync(TaskRecord task, RequestContext<JsonNode?> request, CancellationToken cancellationToken)
    {
        if (TaskStatuses.IsTerminal(task.Status))
        {
            return;
        }

        if (UpstreamOf(task) is { } upstream)
        {
            try
            {
                await SendAsync(upstream, task, TaskProtocol.Cancel, null, request, cancellationToken);
            }
            catch (McpProtocolException ex)
            {
                LogCancelFailed(logger, task.Id, upstream.Name, ex.Message);
            }
        }

        await EndAsync(task, TaskStatuses.Cancelled, "Cancelled by the client.");
    }

    /// <summary>The refusal of a call the upstream runs only for a client that declared a capability (-32021), said as Portico's.</summary>
    public static McpProtocolException MissingCapability(UpstreamDefinition upstream, string tool, McpProtocolException refusal)
        => refusal.Message.Contains(TaskProtocol.ExtensionId, StringComparison.Ordinal)
            ? new MissingRequiredClientCapabilityException(new ClientCapabilities { Extensions = new Dictionary<string, object> { [TaskProtocol.ExtensionId] = new JsonObject() } },
                $"Tool '{upstream.Name}{VendorToolNames.Separator}{LogValue.Safe(tool)}' only runs as a task on upstream '{upstream.Name}': declare the '{TaskProtocol.ExtensionId}' "
                + "extension in the request's _meta clientCapabilities.extensions (protocol revision 2026-07-28) and call again.")
            : new McpProtocolException($"Upstream '{upstream.Name}' needs a client capability for '{LogValue.Safe(tool)}': {LogValue.Safe(refusal.Message)}",
                refusal.ErrorCode);

    private async Task<TaskRecord> StoreAsync(ToolDefinition tool, UpstreamDefinition upstream, JsonObject created, McpCallContext call, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        var now = time.GetUtcNow();
        var ttl = created["ttlMs"] is JsonValue ttlValue && ttlValue.TryGetValue<long>(out var ttlMs) && ttlMs > 0 ? ttlMs : (long)settings.TimeToLive.TotalMilliseconds;
        var poll = created["pollIntervalMs"] is JsonValue pollValue && pollValue.TryGetValue<long>(out var pollMs) && pollMs > 0
            ? pollMs
            : Math.Max(1, (long)settings.PollInterval.TotalMilliseconds);
        var status = (string?)created["status"] is { } given && TaskStatuses.Active.Contains(given) ? given : TaskStatuses.Working;
        var task = new TaskRecord
        {
            Id = TaskIds.New(),
            OwnerId = call.Principal.Id,
            CredentialId = call.Principal.CredentialId,
            TenantId = TaskAccess.TenantOf(call),
            RequiredScope = tool.RequiredScope,
            Source = upstream.Name,
            Tool = tool.Name,
            UpstreamTaskId = (string)created["taskId"]!,
            RequestId = call.RequestId,
            Status = status,
            TtlMs = ttl,
            PollIntervalMs = poll,
            CreatedAt = now,
            UpdatedAt = now,
            ExpiresAt = now + TimeSpan.FromMilliseconds(ttl),
        };
        task.StatusMessage = Scrub((string?)created["statusMessage"], task);
        await store.CreateAsync(task, cancellationToken);
        LogRelayed(logger, task.Id, tool.Name, upstream.Name);
        return task;
    }

    /// <summary>Sends a tasks/* request about <paramref name="task"/> to its upstream, under the upstream's id; nothing of that id comes back.</summary>
    private async Task<JsonObject> SendAsync(UpstreamDefinition upstream, TaskRecord task, string method, JsonObject? parameters, RequestContext<JsonNode?> request,
        CancellationToken cancellationToken)
    {
        parameters ??= [];
        parameters["taskId"] = task.UpstreamTaskId;
        parameters["_meta"] = new JsonObject { [MetaKeys.ClientCapabilities] = DeclaringTasks() };
        try
        {
            return await calls.RunAsync(upstream, request.JsonRpcRequest, $"task '{task.Id}'", newest: true, async (client, ct) => SpeaksTasks(client)
                ? await SendNamedAsync(client, method, parameters, task.UpstreamTaskId!, ct)
                : throw new McpProtocolException($"Upstream '{upstream.Name}' no longer speaks the tasks extension, so this task cannot be followed there.",
                    McpErrorCode.InternalError), cancellationToken);
        }
        catch (McpProtocolException ex) when (ex.Message.Contains(task.UpstreamTaskId!, StringComparison.Ordinal))
        {
            throw new McpProtocolException(Scrub(ex.Message, task)!, ex.ErrorCode);
        }
    }

    /// <summary>A request with <c>Mcp-Name</c> set to the task id (the SDK derives it only for tools, prompts and resources).</summary>
    private static async Task<JsonObject> SendNamedAsync(McpClient client, string method, JsonObject parameters, string taskId, CancellationToken cancellationToken)
    {
        var request = new JsonRpcRequest { Method = method, Params = parameters, Context = new JsonRpcMessageContext { RoutingName = taskId } };
        var response = await client.SendRequestAsync(request, cancellationToken);
        return response.Result as JsonObject ?? [];
    }

    private async Task<TaskRecord> EndAsync(TaskRecord task, string status, string message)
    {
        var retention = options.CurrentValue.MinimumRetention;
        var saved = await store.UpdateAsync(task.Id, stored =>
        {
            if (TaskStatuses.IsTerminal(stored.Status))
            {
                return false;
            }

            stored.Status = status;
            stored.StatusMessage = message;
            stored.InputRequests = null;
            stored.Error = status == TaskStatuses.Failed ? TaskWire.Error((int)McpErrorCode.InternalError, message) : null;
            Retain(stored, retention);
            return true;
        }, CancellationToken.None);
        LogEnded(logger, task.Id, task.Source, saved?.Status ?? status);
        return saved ?? task;
    }

    private void Retain(TaskRecord task, TimeSpan retention)
    {
        var keepUntil = time.GetUtcNow() + retention;
        if (task.ExpiresAt < keepUntil)
        {
            task.ExpiresAt = keepUntil;
        }
    }

    private UpstreamDefinition? UpstreamOf(TaskRecord task) => tools.Upstreams().FirstOrDefault(u => u.Name == task.Source);

    /// <summary>The session speaks a revision the extension builds on, and the upstream advertises the extension.</summary>
    private static bool SpeaksTasks(McpClient client)
        => TaskProtocol.IsSupportedRevision(client.NegotiatedProtocolVersion) && client.ServerCapabilities?.Extensions?.ContainsKey(TaskProtocol.ExtensionId) is true;

    private static JsonObject DeclaringTasks() => new() { ["extensions"] = new JsonObject { [TaskProtocol.ExtensionId] = new JsonObject() } };

    /// <summary>What the upstream says about its task, with its own id (should it quote it) replaced by Portico's.</summary>
    private static string? Json(JsonNode? node, TaskRecord task) => node is null ? null : Scrub(node.ToJsonString(), task);

    private static string? Scrub(string? text, TaskRecord task)
        => text is null || task.UpstreamTaskId is not { Length: > 0 } upstreamId ? text : text.Replace(upstreamId, task.Id, StringComparison.Ordinal);

    [LoggerMessage(EventId = 1290, Level = LogLevel.Information, Message = "Task {TaskId} relays {Tool} running as a task on upstream {Upstream}")]
    private static partial void LogRelayed(ILogger logger, string taskId, string tool, string upstream);

    [LoggerMessage(EventId = 1291, Level = LogLevel.Information, Message = "Relayed task {TaskId} of upstream {Upstream} ended {Status}")]
    private static partial void LogEnded(ILogger logger, string taskId, string upstream, string status);

    [LoggerMessage(EventId = 1292, Level = LogLevel.Warning, Message = "Relayed task {TaskId}: upstream {Upstream} refused tasks/cancel ({Reason}); cancelled here")]
    private static partial void LogCancelFailed(ILogger logger, string taskId, string upstream, LogValue reason);
}
