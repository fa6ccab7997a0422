// MCPEXP002: the SDK's alternate results (ResultOrAlternate, CallToolWithAlternateFilters) and its outgoing-request
// interceptor are experimental; they are exactly the hooks the tasks extension needs (the SDK's own extension uses them).
#pragma warning disable MCPEXP002

using System.Collections.Concurrent;
using System.Data.Common;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using Portico.Catalog;
using Portico.Policy.Approvals;
using Portico.Storage;

namespace Portico.Tasks;

/// <summary>
/// Runs tool calls as tasks on this instance. The call goes through the rest of the SDK's pipeline — Portico's policy
/// pipeline with every gate, the tool under its timeout, the audit — in the background, after the task is stored
/// (so a <c>tasks/get</c> right after the answer finds it). Requests the tool sends the client (elicitation, sampling)
/// become the task's input requests, answered with <c>tasks/update</c> on any instance. Changes of a task reach this
/// instance through the store (<see cref="TaskTopics.Tasks"/>): a cancel on another instance stops the call here.
/// While tasks run, their lease is renewed; an instance that dies leaves leases that run out (<see cref="TaskSweeper"/>).
/// </summary>
internal sealed partial class TaskRunner : BackgroundService
{
    /// <summary>Why a task whose instance went away failed.</summary>
    public const string InstanceStoppedMessage = "The instance running this task stopped before it finished; run it again.";

    /// <summary>How often a task waiting for input reads its row itself, should a change announcement be lost.</summary>
    private static readonly TimeSpan AnswerRecheck = TimeSpan.FromSeconds(2);

    private readonly ConcurrentDictionary<string, RunningTask> _running = new(StringComparer.Ordinal);
    private readonly TaskStore _store;
    private readonly IServiceProvider _services;
    private readonly IOptionsMonitor<TaskOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger<TaskRunner> _logger;
    private readonly IDisposable _subscription;
    private readonly ApprovalStore _approvals;
    private readonly IOptionsMonitor<ApprovalOptions> _approvalOptions;

    public TaskRunner(TaskStore store, StoreChanges changes, IServiceProvider services, IOptionsMonitor<TaskOptions> options, TimeProvider time, ILogger<TaskRunner> logger,
        ApprovalStore approvals, IOptionsMonitor<ApprovalOptions> approvalOptions)
    {
        _approvals = approvals;
        _approvalOptions = approvalOptions;
        _store = store;
        _services = services;
        _options = options;
        _time = time;
        _logger = logger;
        _subscription = changes.Subscribe(TaskTopics.Tasks, id =>
        {
            if (_running.TryGetValue(id, out var running))
            {
                _ = RefreshAsync(running);
            }
        });
    }

    /// <summary>This process, as the tasks it runs name it: new at every start, so a restarted process renews none of its predecessor's leases.</summary>
    public string InstanceId { get; } = "instance_" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8));

    public bool IsRunningHere(string taskId) => _running.ContainsKey(taskId);

    /// <summary>Stores the task for <paramref name="request"/> and starts running <paramref name="next"/> for it in the background.</summary>
    public async Task<TaskRecord> StartAsync(ToolDefinition tool, RequestContext<CallToolRequestParams> request,
        McpRequestHandler<CallToolRequestParams, ResultOrAlternate<CallToolResult>> next, CancellationToken cancellationToken)
    {
        var call = McpCallContext.From(request.JsonRpcRequest);
        var settings = _options.CurrentValue;
        var now = _time.GetUtcNow();
        var task = new TaskRecord
        {
            Id = TaskIds.New(),
            OwnerId = call.Principal.Id,
            CredentialId = call.Principal.CredentialId,
            TenantId = TaskAccess.TenantOf(call),
            RequiredScope = tool.RequiredScope,
            Source = tool.Owner,
            Tool = tool.Name,
            RequestId = call.RequestId,
            Status = TaskStatuses.Working,
            TtlMs = (long)settings.TimeToLive.TotalMilliseconds,
            PollIntervalMs = Math.Max(1, (long)settings.PollInterval.TotalMilliseconds),
            CreatedAt = now,
            UpdatedAt = now,
            ExpiresAt = now + settings.TimeToLive,
            InstanceId = InstanceId,
            LeaseUntil = now + settings.LeaseDuration,
        };
        await _store.CreateAsync(task, cancellationToken);

        var running = new RunningTask(task.Id);
        _running[task.Id] = running;
        // From here the call is the task's: its audit record names the task, and the end of the request that created it
        // (this response) does not cancel it.
        call.ForTask(task.Id, new Progress(this, task.Id)).AttachTo(request.JsonRpcRequest);
        var execution = new RequestContext<CallToolRequestParams>(
            request.Server.WithOutgoingRequestInterceptor((method, parameters, token) => AskClientAsync(running, method, parameters, token)),
            request.JsonRpcRequest, request.Params)
        {
            MatchedPrimitive = request.MatchedPrimitive,
            // The request's own scope ends with its response; the task outlives it.
            Services = _services,
        };
        running.Completion = Task.Run(() => RunAsync(running, execution, next), CancellationToken.None);
        LogStarted(_logger, task.Id, tool.Name, InstanceId);
        return task;
    }

    /// <summary>Stops the call of <paramref name="taskId"/> if it runs here (its status was set by whoever cancelled it).</summary>
    public void CancelHere(string taskId)
    {
        if (_running.TryGetValue(taskId, out var running))
        {
            running.Cancel();
        }
    }

    /// <summary>Renews the leases of the tasks running here, and lets waiting tasks look for answers they may have missed.</summary>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var lease = _options.CurrentValue.LeaseDuration;
            try
            {
                await Task.Delay(lease / 3, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (_running.IsEmpty)
            {
                continue;
            }

            try
            {
                using var background = StoreMetrics.Background();
                await _store.RenewLeasesAsync(InstanceId, _time.GetUtcNow() + lease, stoppingToken);
            }
            catch (Exception ex) when (ex is DbException or InvalidOperationException or TimeoutException)
            {
                LogRenewFailed(_logger, ex);
            }
        }
    }

    /// <summary>
    /// On shutdown the tasks running here cannot go on: each is failed with the reason (the sweeper would do the same,
    /// later, for a process that was killed instead).
    /// </summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        var running = _running.Values.ToList();
        foreach (var task in running)
        {
            task.Cancel(shutdown: true);
        }

        try
        {
            await Task.WhenAll(running.Select(t => t.Completion)).WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            LogShutdownIncomplete(_logger, _running.Count);
        }

        await base.StopAsync(cancellationToken);
    }

    public override void Dispose()
    {
        _subscription.Dispose();
        base.Dispose();
    }

    private async Task RunAsync(RunningTask running, RequestContext<CallToolRequestParams> request,
        McpRequestHandler<CallToolRequestParams, ResultOrAlternate<CallToolResult>> next)
    {
        var token = running.Token;
        try
        {
            while (true)
            {
                ResultOrAlternate<CallToolResult> outcome;
                try
                {
                    outcome = await next(request, token);
                }
                catch (InputRequiredException input)
                {
                    outcome = ResultOrAlternate<CallToolResult>.FromAlternate(input.Result, McpJsonUtilities.DefaultOptions.GetTypeInfo<InputRequiredResult>());
                }

                if (!outcome.IsAlternate && ApprovalGate.PendingIn(outcome.Result!) is { } approvalId)
                {
                    // The call needs approval: the task waits for the decision; approved, the pipeline is called again with
                    // exactly the stored arguments (and takes the approval once); denied or expired, the task ends so.
                    var approval = await WaitForDecisionAsync(running.Id, approvalId, outcome.Result!, token);
                    if (approval.Status == ApprovalStatuses.Approved)
                    {
                        request.Params!.Arguments = JsonSerializer.Deserialize(approval.Arguments, McpJsonUtilities.DefaultOptions.GetTypeInfo<IDictionary<string, JsonElement>>());
                        continue;
                    }

                    var requestId = McpCallContext.From(request.JsonRpcRequest).RequestId;
                    outcome = approval.Status == ApprovalStatuses.Denied ? ApprovalGate.DeniedResult(approval, requestId) : ApprovalGate.ExpiredResult(approval, requestId);
                }

                if (!outcome.IsAlternate)
                {
                    var result = JsonSerializer.Serialize(outcome.Result!, McpJsonUtilities.DefaultOptions.GetTypeInfo<CallToolResult>());
                    await FinishAsync(running.Id, TaskStatuses.Completed, t => t.Result = result);
                    return;
                }

                if (outcome.Alternate is not InputRequiredResult { InputRequests: { Count: > 0 } inputRequests } inputRequired)
                {
                    await FailAsync(running.Id, McpErrorCode.InternalError, "The tool answered with a result a task cannot hold.");
                    return;
                }

                // An input-required round inside a task: the task waits for the answers (tasks/update), then the call is
                // made again with them, as the client would have made it.
                request.Params!.InputResponses = await AskClientAsync(running, inputRequired.InputRequests, token);
                request.Params.RequestState = inputRequired.RequestState;
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            if (running.StoppedByShutdown)
            {
                await FailAsync(running.Id, McpErrorCode.InternalError, InstanceStoppedMessage);
            }
            else
            {
                await FinishAsync(running.Id, TaskStatuses.Cancelled, t => t.StatusMessage = "Cancelled.");
            }
        }
        catch (McpProtocolException ex)
        {
            await FailAsync(running.Id, ex.ErrorCode, ex.Message);
        }
        catch (Exception ex)
        {
            LogTaskFailed(_logger, ex, running.Id);
            await FailAsync(running.Id, McpErrorCode.InternalError, "The task failed unexpectedly; run it again, or report its id to the operator.");
        }
        finally
        {
            _running.TryRemove(running.Id, out _);
            running.Dispose();
        }
    }

    /// <summary>
    /// Waits, with the task working and saying so in its status message, until approval <paramref name="approvalId"/> is
    /// decided, expires or is gone; returns it as it ended. Cancelling the task cancels the pending approval.
    /// </summary>
    private async Task<ApprovalRecord> WaitForDecisionAsync(string taskId, string approvalId, CallToolResult pending, CancellationToken cancellationToken)
    {
        var said = string.Join("\n", pending.Content.OfType<TextContentBlock>().Select(t => t.Text));
        await _store.UpdateAsync(taskId, task =>
        {
            if (task.Status != TaskStatuses.Working)
            {
                return false;
            }

            task.StatusMessage = said;
            return true;
        }, cancellationToken);
        try
        {
            while (true)
            {
                var approval = await _approvals.FindAsync(approvalId, cancellationToken)
                    ?? throw new InvalidOperationException($"Approval {approvalId} of task {taskId} is gone.");
                if (approval.Status != ApprovalStatuses.Pending)
                {
                    return approval;
                }

                if (approval.ExpiresAt <= _time.GetUtcNow())
                {
                    await _approvals.CloseAsync(approvalId, ApprovalStatuses.Expired, cancellationToken);
                    continue;
                }

                await Task.Delay(_approvalOptions.CurrentValue.PollInterval, _time, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await _approvals.CloseAsync(approvalId, ApprovalStatuses.Cancelled, CancellationToken.None);
            throw;
        }
    }

    /// <summary>A request the tool sends the client while running as a task: it becomes an input request of the task.</summary>
    private async ValueTask<JsonNode?> AskClientAsync(RunningTask running, string method, JsonNode? parameters, CancellationToken cancellationToken)
    {
        var key = TaskIds.NewInputKey();
        var request = new JsonObject { ["method"] = method };
        if (parameters is not null)
        {
            request["params"] = parameters.DeepClone();
        }

        var answers = await AskClientAsync(running, new Dictionary<string, JsonNode> { [key] = request }, cancellationToken);
        return answers[key];
    }

    private async Task<IDictionary<string, InputResponse>> AskClientAsync(RunningTask running, IDictionary<string, InputRequest> requests, CancellationToken cancellationToken)
    {
        var asked = requests.ToDictionary(r => r.Key, r => JsonSerializer.SerializeToNode(r.Value, McpJsonUtilities.DefaultOptions.GetTypeInfo<InputRequest>())!);
        var answers = await AskClientAsync(running, asked, cancellationToken);
        return answers.ToDictionary(a => a.Key, a => a.Value.Deserialize(McpJsonUtilities.DefaultOptions.GetTypeInfo<InputResponse>())!);
    }

    /// <summary>Stores <paramref name="requests"/> as the task's input requests and waits until every one is answered.</summary>
    private async Task<Dictionary<string, JsonNode?>> AskClientAsync(RunningTask running, Dictionary<string, JsonNode> requests, CancellationToken cancellationToken)
    {
        var waits = requests.Keys.ToDictionary(key => key, running.Expect);
        try
        {
            var stored = await _store.UpdateAsync(running.Id, task =>
            {
                if (TaskStatuses.IsTerminal(task.Status))
                {
                    return false;
                }

                var pending = TaskInputs.Parse(task.InputRequests);
                foreach (var (key, request) in requests)
                {
                    pending[key] = request.DeepClone();
                }

                task.InputRequests = pending.ToJsonString();
                task.Status = TaskStatuses.InputRequired;
                task.StatusMessage = "Waiting for the client's input (answer with tasks/update).";
                return true;
            }, cancellationToken);
            if (stored is null || TaskStatuses.IsTerminal(stored.Status))
            {
                throw new OperationCanceledException(cancellationToken);
            }

            var answers = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
            foreach (var (key, wait) in waits)
            {
                while (true)
                {
                    try
                    {
                        answers[key] = await wait.WaitAsync(AnswerRecheck, _time, cancellationToken);
                        break;
                    }
                    catch (TimeoutException)
                    {
                        await RefreshAsync(running);
                    }
                }
            }

            return answers;
        }
        finally
        {
            foreach (var key in waits.Keys)
            {
                running.StopExpecting(key);
            }
        }
    }

    /// <summary>Reads the task as stored and acts on it here: a cancel stops the call, answers reach the requests waiting for them.</summary>
    private async Task RefreshAsync(RunningTask running)
    {
        try
        {
            using var background = StoreMetrics.Background();
            var task = await _store.FindAsync(running.Id, CancellationToken.None);
            if (task is null || task.Status == TaskStatuses.Cancelled)
            {
                running.Cancel();
                return;
            }

            if (running.IsWaiting && task.InputResponses is not null)
            {
                running.Deliver(TaskInputs.Parse(task.InputResponses));
            }
        }
        catch (Exception ex) when (ex is DbException or InvalidOperationException or JsonException or ObjectDisposedException)
        {
            LogRefreshFailed(_logger, running.Id, ex);
        }
    }

    private Task FailAsync(string taskId, McpErrorCode code, string message)
        => FinishAsync(taskId, TaskStatuses.Failed, t =>
        {
            t.Error = TaskWire.Error((int)code, message);
            t.StatusMessage = message;
        });

    /// <summary>Records how the task ended, unless it ended already (cancelled while the call finished: the cancel stands).</summary>
    private async Task FinishAsync(string taskId, string status, Action<TaskRecord> record)
    {
        try
        {
            var retention = _options.CurrentValue.MinimumRetention;
            await _store.UpdateAsync(taskId, task =>
            {
                if (TaskStatuses.IsTerminal(task.Status))
                {
                    return false;
                }

                task.Status = status;
                task.StatusMessage = null;
                record(task);
                task.InputRequests = null;
                task.InputResponses = null;
                task.LeaseUntil = null;
                var keepUntil = _time.GetUtcNow() + retention;
                if (task.ExpiresAt < keepUntil)
                {
                    task.ExpiresAt = keepUntil;
                }

                return true;
            }, CancellationToken.None);
            LogFinished(_logger, taskId, status);
        }
        catch (Exception ex) when (ex is DbException or InvalidOperationException or ObjectDisposedException)
        {
            // The lease runs out and the sweeper fails the task with the reason.
            LogFinishFailed(_logger, ex, taskId, status);
        }
    }

    /// <summary>Progress a tool reports while running as task <paramref name="taskId"/>.</summary>
    private sealed class Progress(TaskRunner runner, string taskId) : ITaskProgress
    {
        public async Task ReportAsync(double progress, double? total, string? message, CancellationToken cancellationToken)
            => await runner._store.UpdateAsync(taskId, task =>
            {
                if (task.Status != TaskStatuses.Working)
                {
                    return false;
                }

                task.Progress = progress;
                task.ProgressTotal = total;
                task.StatusMessage = message ?? task.StatusMessage;
                return true;
            }, cancellationToken);
    }

    [LoggerMessage(EventId = 802, Level = LogLevel.Information, Message = "Task {TaskId} started: {Tool} on {InstanceId}")]
    private static partial void LogStarted(ILogger logger, string taskId, string tool, string instanceId);

    [LoggerMessage(EventId = 803, Level = LogLevel.Information, Message = "Task {TaskId} ended {Status}")]
    private static partial void LogFinished(ILogger logger, string taskId, string status);

    [LoggerMessage(EventId = 804, Level = LogLevel.Error, Message = "Task {TaskId} failed unexpectedly")]
    private static partial void LogTaskFailed(ILogger logger, Exception exception, string taskId);

    [LoggerMessage(EventId = 805, Level = LogLevel.Warning, Message = "Could not record that task {TaskId} ended {Status}; the sweeper will fail it when its lease runs out")]
    private static partial void LogFinishFailed(ILogger logger, Exception exception, string taskId, string status);

    [LoggerMessage(EventId = 806, Level = LogLevel.Warning, Message = "Renewing the leases of this instance's tasks failed; will retry")]
    private static partial void LogRenewFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 807, Level = LogLevel.Warning, Message = "Reading task {TaskId} after a change failed")]
    private static partial void LogRefreshFailed(ILogger logger, string taskId, Exception exception);

    [LoggerMessage(EventId = 808, Level = LogLevel.Warning, Message = "{Count} tasks did not record their end before shutdown; the sweeper will fail them")]
    private static partial void LogShutdownIncomplete(ILogger logger, int count);
}
