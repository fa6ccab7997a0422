using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using ModelContextProtocol.Protocol;
using Portico.Access;
using Portico.Catalog;
using Portico.Policy;
using Portico.Policy.Approvals;
using Portico.Schema;
using Portico.Storage;
using Portico.Tasks;

namespace Portico.Tools.Workflows;

/// <summary>The tools of runs: execute_workflow, get_run_status, list_runs, cancel_run.</summary>
internal sealed partial class WorkflowTools
{
    public async ValueTask<CallToolResult> ExecuteAsync(ToolInvocation invocation, CancellationToken cancellationToken)
    {
        var arguments = Arguments(invocation);
        await using var scope = Open(invocation, out var tenantId, out var ownerId);
        var id = (string)arguments["workflow_id"]!;
        if (await FindAsync(scope, tenantId, ownerId, id, cancellationToken) is not { } workflow)
        {
            return WorkflowResults.WorkflowNotFound(invocation, tenantId, id);
        }

        if (workflow.ActivatedAt is null)
        {
            return WorkflowResults.NotActivated(invocation, workflow);
        }

        var triggerId = (string?)arguments["trigger_id"];
        var trigger = WorkflowTrigger.Parse(workflow.Triggers).FirstOrDefault(t => triggerId is null ? t.Type == WorkflowTrigger.Manual : t.Id == triggerId);
        if (trigger is null)
        {
            return WorkflowResults.NoTrigger(invocation, workflow, triggerId);
        }

        var input = arguments["input"] as JsonObject ?? [];
        var definition = WorkflowDefinition.Parse(workflow.Definition);
        if (definition.InputSchema is { } inputSchema
            && JsonSchemaCompiler.Compile(WorkflowDefinition.ToElement(inputSchema)).Validate(WorkflowDefinition.ToElement(input)) is { Count: > 0 } violations)
        {
            return WorkflowResults.Invalid(invocation, "input" + violations[0].Path,
                $"The input does not meet the workflow's input_schema: {string.Join(" ", violations.Take(5).Select(v => v.Message))}",
                "get_workflow shows the input_schema; pass input that meets it.",
                [.. violations.Select(v => (JsonNode)new JsonObject { ["path"] = v.Path, ["message"] = v.Message })]);
        }

        if (await WorkflowRunLimit.RefusalAsync(Db(scope), tenantId, invocation.Tenant.Tier, options.CurrentValue.ConcurrentRunsBelowProPlus, cancellationToken) is { } refusal)
        {
            return ToolError.Result(ToolGate.TierRequired, refusal, WorkflowRunLimit.Hint, invocation.Call.RequestId);
        }

        var now = Now();
        var run = new WorkflowRunEntity
        {
            TenantId = tenantId,
            Id = Ids.New(),
            WorkflowId = workflow.Id,
            WorkflowVersion = workflow.Version,
            Definition = workflow.Definition,
            TriggerId = trigger.Id,
            OwnerId = ownerId,
            CredentialKind = "",
            Scopes = "",
            Status = RunStatuses.Queued,
            Input = input.ToJsonString(),
            DueAt = now,
            CreatedAt = now,
            UpdatedAt = now,
        };
        RunCredentials.Capture(invocation.Call.Principal, run);
        var runs = new TenantData<WorkflowRunEntity>(Db(scope), tenantId);
        runs.Add(run);
        await runs.SaveChangesAsync(cancellationToken);
        engine.Wake();
        if (invocation.Call.TaskId is { } taskId)
        {
            return await AwaitRunAsync(invocation, tenantId, run.Id, taskId, cancellationToken);
        }

        return ToolResults.Structured($"Started run {run.Id} of workflow {workflow.Id} '{workflow.Name}' (version {workflow.Version}); it is queued. Follow it with get_run_status.",
            new JsonObject { ["run_id"] = run.Id, ["workflow_id"] = workflow.Id, ["workflow_version"] = workflow.Version, ["trigger_id"] = trigger.Id, ["status"] = run.Status });
    }

    /// <summary>
    /// execute_workflow as a task: waits for the run to end (reading its row, so it ends on whichever instance runs it),
    /// reports each finished step as the task's progress, and answers with the run. A task cancelled with tasks/cancel
    /// cancels the run; an instance stopping leaves the run to the engine.
    /// </summary>
    private async Task<CallToolResult> AwaitRunAsync(ToolInvocation invocation, string tenantId, string runId, string taskId, CancellationToken cancellationToken)
    {
        var reported = -1;
        try
        {
            while (true)
            {
                await using var scope = scopes.CreateAsyncScope();
                var run = await Runs(scope, tenantId).AsNoTracking().FirstAsync(r => r.Id == runId, cancellationToken);
                var steps = await new TenantData<WorkflowStepEntity>(Db(scope), tenantId).Rows.AsNoTracking().Where(s => s.RunId == runId).ToListAsync(cancellationToken);
                var finished = steps.Count(s => s.FinishedAt is not null);
                if (finished != reported && invocation.Call.TaskProgress is { } progress)
                {
                    reported = finished;
                    await progress.ReportAsync(finished, WorkflowDefinition.Parse(run.Definition).Steps.Count, $"Run {runId}: {finished} step(s) finished, {run.Status}.", cancellationToken);
                }

                if (RunStatuses.IsTerminal(run.Status))
                {
                    var json = WorkflowResults.ToJson(run, steps);
                    return ToolResults.Structured($"Run {run.Id} of workflow {run.WorkflowId} ended {run.Status}{(run.Error is null ? "." : " — " + run.Error)}",
                        new JsonObject { ["run_id"] = run.Id, ["status"] = run.Status, ["run"] = json }, isError: run.Status != RunStatuses.Succeeded);
                }

                await Task.Delay(options.CurrentValue.PollInterval, time, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            if ((await taskStore.FindAsync(taskId, CancellationToken.None))?.Status == TaskStatuses.Cancelled)
            {
                await using var scope = scopes.CreateAsyncScope();
                var now = Now();
                await Runs(scope, tenantId).Where(r => r.Id == runId && RunStatuses.Active.Contains(r.Status))
                    .ExecuteUpdateAsync(s => s
                        .SetProperty(r => r.Status, RunStatuses.Cancelled)
                        .SetProperty(r => r.Error, "Cancelled with its task (tasks/cancel).")
                        .SetProperty(r => r.FinishedAt, now)
                        .SetProperty(r => r.UpdatedAt, now)
                        .SetProperty(r => r.LeaseHolder, (string?)null)
                        .SetProperty(r => r.LeaseUntil, (DateTimeOffset?)null), CancellationToken.None);
                await approvalWaits.CancelAsync(runId, CancellationToken.None);
                engine.CancelHere(runId);
            }

            throw;
        }
    }

    public async ValueTask<CallToolResult> GetRunAsync(ToolInvocation invocation, CancellationToken cancellationToken)
    {
        await using var scope = Open(invocation, out var tenantId, out var ownerId);
        var id = invocation.GetString("run_id")!;
        var run = await Runs(scope, tenantId).AsNoTracking().FirstOrDefaultAsync(r => r.Id == id && r.OwnerId == ownerId, cancellationToken);
        if (run is null)
        {
            return WorkflowResults.RunNotFound(invocation, tenantId, id);
        }

        var steps = await new TenantData<WorkflowStepEntity>(Db(scope), tenantId).Rows.AsNoTracking().Where(s => s.RunId == id).ToListAsync(cancellationToken);
        var json = WorkflowResults.ToJson(run, steps);
        var text = new StringBuilder($"Run {run.Id}: {run.Status}");
        if (run.Error is not null)
        {
            text.Append(" — ").Append(run.Error);
        }

        if (run.Status == RunStatuses.WaitingApproval && steps.FirstOrDefault(s => s.Status == StepStatuses.WaitingApproval) is { } waiting
            && WorkflowApprovalWaits.ApprovalIdOf(waiting) is { } approvalId)
        {
            var link = (invocation.Call.Issuer?.TrimEnd('/') ?? "") + ApprovalGate.PortalPath + "#approval-" + approvalId;
            json["approval"] = new JsonObject { ["approval_id"] = approvalId, ["step"] = waiting.StepName, ["link"] = link };
            text.Append(CultureInfo.InvariantCulture, $"\nStep '{waiting.StepName}' waits for approval {approvalId}: an owner or admin decides at {link} (or: portico approvals approve {approvalId}).");
        }

        foreach (var step in json["steps"]!.AsArray())
        {
            text.Append(CultureInfo.InvariantCulture, $"\n- {(string?)step!["name"]} ({(string?)step["tool"]}): {(string?)step["status"]}");
        }

        return ToolResults.Structured(text.ToString(), new JsonObject { ["run"] = json });
    }

    public async ValueTask<CallToolResult> ListRunsAsync(ToolInvocation invocation, CancellationToken cancellationToken)
    {
        await using var scope = Open(invocation, out var tenantId, out var ownerId);
        var query = Runs(scope, tenantId).AsNoTracking().Where(r => r.OwnerId == ownerId);
        if (invocation.GetString("workflow_id") is { } workflowId)
        {
            query = query.Where(r => r.WorkflowId == workflowId);
        }

        if (invocation.GetString("status") is { } status)
        {
            query = query.Where(r => r.Status == status);
        }

        var runs = await query.OrderByDescending(r => r.CreatedAt).ThenByDescending(r => r.Id).Take(Integer(invocation, "limit") ?? 20).ToListAsync(cancellationToken);
        var text = new StringBuilder(runs.Count == 0 ? $"No runs of yours in group '{tenantId}' match." : $"{runs.Count} run(s), newest first:");
        foreach (var run in runs)
        {
            text.Append('\n').Append(WorkflowResults.Line(run));
        }

        return ToolResults.Structured(text.ToString(), new JsonObject
        {
            ["tenantId"] = tenantId,
            ["runs"] = new JsonArray([.. runs.Select(r => (JsonNode)WorkflowResults.ToJson(r, null))]),
        });
    }

    public async ValueTask<CallToolResult> CancelRunAsync(ToolInvocation invocation, CancellationToken cancellationToken)
    {
        await using var scope = Open(invocation, out var tenantId, out var ownerId);
        var id = invocation.GetString("run_id")!;
        var now = Now();
        var cancelled = await Runs(scope, tenantId).Where(r => r.Id == id && r.OwnerId == ownerId && RunStatuses.Active.Contains(r.Status))
            .ExecuteUpdateAsync(s => s
                .SetProperty(r => r.Status, RunStatuses.Cancelled)
                .SetProperty(r => r.Error, "Cancelled with cancel_run.")
                .SetProperty(r => r.FinishedAt, now)
                .SetProperty(r => r.UpdatedAt, now)
                .SetProperty(r => r.LeaseHolder, (string?)null)
                .SetProperty(r => r.LeaseUntil, (DateTimeOffset?)null), cancellationToken);
        var run = await Runs(scope, tenantId).AsNoTracking().FirstOrDefaultAsync(r => r.Id == id && r.OwnerId == ownerId, cancellationToken);
        if (run is null)
        {
            return WorkflowResults.RunNotFound(invocation, tenantId, id);
        }

        if (cancelled == 0)
        {
            return ToolError.Result("RUN_ENDED", $"Run '{id}' already ended ({run.Status}); nothing was cancelled.", "get_run_status shows how it ended.", invocation.Call.RequestId,
                new JsonObject { ["run_id"] = id, ["status"] = run.Status });
        }

        await approvalWaits.CancelAsync(id, CancellationToken.None);
        engine.CancelHere(id);
        return ToolResults.Structured($"Cancelled run {id}: the step in progress is stopped and no further step runs.",
            new JsonObject { ["run"] = WorkflowResults.ToJson(run, null) });
    }
}
