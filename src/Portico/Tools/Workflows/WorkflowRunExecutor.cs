using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portico.Storage;

namespace Portico.Tools.Workflows;

/// <summary>
/// Runs the steps of one run this instance holds the lease of, from its first step without recorded completion: a
/// finished step is never run again (its output is read back); a step that started without recorded completion runs
/// again only if it is idempotent, otherwise the run fails saying so. Each step is recorded <c>running</c> before its
/// call and finished after it, by compare-and-set on its attempt, so one completion is recorded per step however many
/// instances try.
/// </summary>
internal sealed partial class WorkflowRunExecutor(
    IServiceScopeFactory scopes,
    RunCredentials credentials,
    WorkflowStepCaller caller,
    IOptionsMonitor<WorkflowOptions> options,
    TimeProvider time,
    ILogger<WorkflowRunExecutor> logger)
{
    public async Task RunAsync(string runId, string holder, CancellationToken cancellationToken)
    {
        WorkflowRunEntity? run;
        List<WorkflowStepEntity> recorded;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
            run = await db.Set<WorkflowRunEntity>().AsNoTracking()
                .FirstOrDefaultAsync(r => r.Id == runId && r.LeaseHolder == holder && r.Status == RunStatuses.Running, cancellationToken);
            if (run is null)
            {
                return;
            }

            recorded = await db.Set<WorkflowStepEntity>().AsNoTracking().Where(s => s.RunId == runId).ToListAsync(cancellationToken);
        }

        var definition = WorkflowDefinition.Parse(run.Definition);
        using var deadline = definition.TimeoutSeconds is { } seconds && run.StartedAt is { } started
            ? new CancellationTokenSource(Remaining(started + TimeSpan.FromSeconds(seconds)), time)
            : new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            await RunStepsAsync(run, definition, recorded, holder, linked.Token);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            await FinishAsync(run, holder, RunStatuses.TimedOut, null, $"The run did not finish within its timeout of {definition.TimeoutSeconds} s.");
            await RecordInterruptedAsync(run.Id);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await RecordInterruptedAsync(run.Id);
            throw;
        }
        catch (RunStoppedException stopped)
        {
            await FinishAsync(run, holder, RunStatuses.Failed, stopped.Data["step"] as string, $"{stopped.Code}: {stopped.Message}");
        }
    }

    private async Task RunStepsAsync(WorkflowRunEntity run, WorkflowDefinition definition, List<WorkflowStepEntity> recorded, string holder, CancellationToken cancellationToken)
    {
        var outputs = new JsonObject();
        var scope = new JsonObject
        {
            ["input"] = JsonNode.Parse(run.Input),
            ["steps"] = outputs,
            ["run"] = new JsonObject { ["id"] = run.Id, ["workflow_id"] = run.WorkflowId, ["workflow_version"] = run.WorkflowVersion },
        };
        for (var index = 0; index < definition.Steps.Count; index++)
        {
            var step = definition.Steps[index];
            var row = recorded.FirstOrDefault(s => s.StepIndex == index);
            if (row is { Status: StepStatuses.Succeeded or StepStatuses.Failed })
            {
                outputs[step.Name] = Reported(row.Status, row.Output, row.Error);
                continue;
            }

            if (row is { Status: StepStatuses.Running } && !step.Idempotent)
            {
                throw Stopped(step, "STEP_NOT_IDEMPOTENT",
                    $"Step '{step.Name}' started (attempt {row.Attempt}) on an instance that stopped before recording its outcome, and it is marked not idempotent: it is not run again blindly. Check what it did, then run the workflow again.");
            }

            // A step that waited for approval runs with exactly the arguments it asked approval for: never rendered again.
            var approved = row is { Status: StepStatuses.WaitingApproval, Output: { } held } ? JsonNode.Parse(held) as JsonObject : null;
            var outcome = await RunStepAsync(run, index, step, row?.Attempt ?? 0, approved, scope, holder, cancellationToken);
            if (outcome is null)
            {
                return; // the run is no longer this instance's
            }

            if (!outcome.Succeeded && !step.ContinueOnError)
            {
                await FinishAsync(run, holder, RunStatuses.Failed, step.Name, $"Step '{step.Name}' ({step.Tool}) failed: {outcome.ErrorCode}: {outcome.ErrorMessage}");
                return;
            }

            outputs[step.Name] = Reported(outcome.Succeeded ? StepStatuses.Succeeded : StepStatuses.Failed, outcome.Output?.ToJsonString(), outcome.Succeeded ? null : outcome.ErrorJson().ToJsonString());
        }

        await FinishAsync(run, holder, RunStatuses.Succeeded, null, null);
    }

    /// <summary>Calls the step's tool until it succeeds or its retries are spent; null when the run was taken from this instance meanwhile.</summary>
    private async Task<StepOutcome?> RunStepAsync(WorkflowRunEntity run, int index, WorkflowStep step, int previousAttempt, JsonObject? approved, JsonObject scope, string holder,
        CancellationToken cancellationToken)
    {
        var attempt = previousAttempt;
        while (true)
        {
            attempt++;
            if (!await StartStepAsync(run, index, step, attempt, holder, cancellationToken))
            {
                return null;
            }

            Access.Principal principal;
            try
            {
                principal = await credentials.RestoreAsync(run, cancellationToken);
            }
            catch (RunStoppedException stopped)
            {
                await RecordAsync(run.Id, index, attempt, StepOutcome.Failure(stopped.Code, stopped.Message), final: true, cancellationToken);
                stopped.Data["step"] = step.Name;
                throw;
            }

            StepOutcome outcome;
            var retryable = true;
            JsonObject arguments = [];
            try
            {
                arguments = approved ?? WorkflowTemplate.Render(step.Arguments, scope) as JsonObject ?? [];
                outcome = await CallAsync(run, index, step, attempt, principal, arguments, cancellationToken);
            }
            catch (WorkflowTemplateException template)
            {
                outcome = StepOutcome.Failure("TEMPLATE_ERROR", template.Message);
                retryable = false;
            }

            if (outcome.ApprovalId is { } approvalId)
            {
                await WaitForApprovalAsync(run, index, step, attempt, arguments, approvalId, outcome.ErrorMessage ?? "", holder);
                return null;
            }

            if (outcome.Succeeded && outcome.Output is { } output && Encoding.UTF8.GetByteCount(output.ToJsonString()) > options.CurrentValue.MaxOutputBytes)
            {
                outcome = StepOutcome.Failure("OUTPUT_TOO_LARGE", $"The tool's output is larger than {options.CurrentValue.MaxOutputBytes} bytes, the most a step keeps.");
                retryable = false;
            }

            var last = outcome.Succeeded || !retryable || attempt > step.Retries;
            if (!await RecordAsync(run.Id, index, attempt, outcome, last, cancellationToken))
            {
                return null;
            }

            LogStep(logger, run.Id, step.Name, attempt, outcome.ErrorCode ?? "ok");
            if (last)
            {
                return outcome;
            }

            await Task.Delay(Backoff(step, attempt), time, cancellationToken);
        }
    }

    private async Task<StepOutcome> CallAsync(WorkflowRunEntity run, int index, WorkflowStep step, int attempt, Access.Principal principal, JsonObject arguments, CancellationToken cancellationToken)
    {
        var requestId = string.Create(CultureInfo.InvariantCulture, $"wf-{run.Id}-{index}-{attempt}");
        if (step.TimeoutSeconds is not { } seconds)
        {
            return await caller.CallAsync(principal, run.TenantId, requestId, step.Tool, arguments, cancellationToken);
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(seconds), time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            return await caller.CallAsync(principal, run.TenantId, requestId, step.Tool, arguments, linked.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return StepOutcome.Failure("TIMEOUT", $"Step '{step.Name}' did not finish within {seconds} s.");
        }
    }

    /// <summary>
    /// The step's tool needs approval: the step row keeps the rendered arguments the approval holds and the approval's id, and
    /// the run gives up its lease in <c>waiting_approval</c> (<see cref="WorkflowApprovalWaits"/> makes it due again).
    /// </summary>
    private async Task WaitForApprovalAsync(WorkflowRunEntity run, int index, WorkflowStep step, int attempt, JsonObject arguments, string approvalId, string message, string holder)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
        var held = arguments.ToJsonString();
        var error = WorkflowApprovalWaits.WaitingError(approvalId, message).ToJsonString();
        // Not cancellable: the approval exists now, so the run records that it waits for it.
        if (await db.Set<WorkflowStepEntity>()
            .Where(s => s.RunId == run.Id && s.StepIndex == index && s.Attempt == attempt && s.Status == StepStatuses.Running)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.Status, StepStatuses.WaitingApproval).SetProperty(x => x.Output, held).SetProperty(x => x.Error, error), CancellationToken.None) != 1)
        {
            return;
        }

        var now = time.GetUtcNow();
        var changed = await db.Set<WorkflowRunEntity>()
            .Where(r => r.Id == run.Id && r.LeaseHolder == holder && r.Status == RunStatuses.Running)
            .ExecuteUpdateAsync(s => s
                .SetProperty(r => r.Status, RunStatuses.WaitingApproval)
                .SetProperty(r => r.UpdatedAt, now)
                .SetProperty(r => r.LeaseHolder, (string?)null)
                .SetProperty(r => r.LeaseUntil, (DateTimeOffset?)null), CancellationToken.None);
        if (changed == 1)
        {
            LogWaiting(logger, run.Id, step.Name, approvalId);
        }
    }

    /// <summary>Records that <paramref name="attempt"/> starts; false when another instance took the run (or the step) meanwhile.</summary>
    private async Task<bool> StartStepAsync(WorkflowRunEntity run, int index, WorkflowStep step, int attempt, string holder, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
        if (!await db.Set<WorkflowRunEntity>().AnyAsync(r => r.Id == run.Id && r.LeaseHolder == holder && r.Status == RunStatuses.Running, cancellationToken))
        {
            return false;
        }

        var now = time.GetUtcNow();
        if (attempt == 1)
        {
            db.Set<WorkflowStepEntity>().Add(new WorkflowStepEntity
            {
                TenantId = run.TenantId,
                RunId = run.Id,
                StepIndex = index,
                StepName = step.Name,
                Attempt = 1,
                Status = StepStatuses.Running,
                StartedAt = now,
            });
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return true;
            }
            catch (DbUpdateException ex) when (StoreFailure.IsUniqueViolation(ex))
            {
                // Another instance started this step first: its lease had run out here and it took the run over.
                LogStepStartLost(logger, run.Id, step.Name);
                return false;
            }
        }

        var previous = attempt - 1;
        return await db.Set<WorkflowStepEntity>()
            .Where(s => s.RunId == run.Id && s.StepIndex == index && s.Attempt == previous && (s.Status == StepStatuses.Running || s.Status == StepStatuses.WaitingApproval))
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.Attempt, attempt).SetProperty(x => x.Status, StepStatuses.Running).SetProperty(x => x.StartedAt, now), cancellationToken) == 1;
    }

    /// <summary>Records the attempt's outcome (final: the step's completion) if the step is still at this attempt; false otherwise.</summary>
    private async Task<bool> RecordAsync(string runId, int index, int attempt, StepOutcome outcome, bool final, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
        var status = !final ? StepStatuses.Running : outcome.Succeeded ? StepStatuses.Succeeded : StepStatuses.Failed;
        var output = outcome.Output?.ToJsonString();
        var error = outcome.Succeeded ? null : outcome.ErrorJson().ToJsonString();
        DateTimeOffset? finished = final ? time.GetUtcNow() : null;
        // Not cancellable: an outcome the tool already produced is recorded even while the run is being stopped.
        return await db.Set<WorkflowStepEntity>()
            .Where(s => s.RunId == runId && s.StepIndex == index && s.Attempt == attempt && s.Status == StepStatuses.Running)
            .ExecuteUpdateAsync(s => s
                .SetProperty(x => x.Status, status)
                .SetProperty(x => x.Output, output)
                .SetProperty(x => x.Error, error)
                .SetProperty(x => x.FinishedAt, finished), CancellationToken.None) == 1;
    }

    /// <summary>
    /// A run stopped here because it was cancelled, timed out or deleted: the step that was in progress is recorded as stopped. A
    /// run stopped for any other reason (shutdown, lost lease) leaves its step as it is, for the instance that continues it.
    /// </summary>
    private async Task RecordInterruptedAsync(string runId)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
        var status = await db.Set<WorkflowRunEntity>().Where(r => r.Id == runId).Select(r => r.Status).FirstOrDefaultAsync(CancellationToken.None);
        if (status is not null and not (RunStatuses.Cancelled or RunStatuses.TimedOut))
        {
            return;
        }

        var now = time.GetUtcNow();
        var error = (status == RunStatuses.TimedOut
            ? StepOutcome.Failure("RUN_TIMED_OUT", "The run's timeout passed while this step was in progress.")
            : StepOutcome.Failure("CANCELLED", "The run was cancelled while this step was in progress.")).ErrorJson().ToJsonString();
        await db.Set<WorkflowStepEntity>().Where(s => s.RunId == runId && s.Status == StepStatuses.Running)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.Status, StepStatuses.Failed).SetProperty(x => x.Error, error).SetProperty(x => x.FinishedAt, now), CancellationToken.None);
    }

    /// <summary>Ends the run, if it is still running here (a cancel or another instance's takeover stands).</summary>
    public async Task FinishAsync(WorkflowRunEntity run, string holder, string status, string? failedStep, string? error)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
        var now = time.GetUtcNow();
        var changed = await db.Set<WorkflowRunEntity>()
            .Where(r => r.Id == run.Id && r.LeaseHolder == holder && r.Status == RunStatuses.Running)
            .ExecuteUpdateAsync(s => s
                .SetProperty(r => r.Status, status)
                .SetProperty(r => r.FailedStep, failedStep)
                .SetProperty(r => r.Error, error)
                .SetProperty(r => r.FinishedAt, now)
                .SetProperty(r => r.UpdatedAt, now)
                .SetProperty(r => r.LeaseHolder, (string?)null)
                .SetProperty(r => r.LeaseUntil, (DateTimeOffset?)null), CancellationToken.None);
        if (changed == 1)
        {
            LogFinished(logger, run.Id, status, failedStep);
        }
    }

    private TimeSpan Backoff(WorkflowStep step, int attempt)
    {
        var seconds = step.BackoffSeconds * Math.Pow(2, Math.Min(attempt - 1, 20));
        var wait = TimeSpan.FromSeconds(Math.Min(seconds, options.CurrentValue.MaxBackoff.TotalSeconds));
        return wait;
    }

    private TimeSpan Remaining(DateTimeOffset until) => until - time.GetUtcNow() is { Ticks: > 0 } left ? left : TimeSpan.FromTicks(1);

    private static JsonObject Reported(string status, string? output, string? error) => new()
    {
        ["status"] = status,
        ["output"] = output is null ? null : JsonNode.Parse(output),
        ["error"] = error is null ? null : JsonNode.Parse(error),
    };

    private static RunStoppedException Stopped(WorkflowStep step, string code, string message)
    {
        var stopped = new RunStoppedException(code, message);
        stopped.Data["step"] = step.Name;
        return stopped;
    }

    [LoggerMessage(EventId = 1601, Level = LogLevel.Debug, Message = "Run {RunId} step {Step} attempt {Attempt}: {Outcome}")]
    private static partial void LogStep(ILogger logger, string runId, string step, int attempt, string outcome);

    [LoggerMessage(EventId = 1603, Level = LogLevel.Information, Message = "Run {RunId} step {Step} was started by another instance first (this instance's lease had run out); giving the run up")]
    private static partial void LogStepStartLost(ILogger logger, string runId, string step);

    [LoggerMessage(EventId = 1647, Level = LogLevel.Information, Message = "Run {RunId} waits at step {Step} for approval {ApprovalId}")]
    private static partial void LogWaiting(ILogger logger, string runId, string step, string approvalId);

    [LoggerMessage(EventId = 1602, Level = LogLevel.Information, Message = "Run {RunId} ended {Status} (failed step: {FailedStep})")]
    private static partial void LogFinished(ILogger logger, string runId, string status, string? failedStep);
}
