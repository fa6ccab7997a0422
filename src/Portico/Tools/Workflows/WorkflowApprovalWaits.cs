using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Portico.Policy.Approvals;
using Portico.Storage;

namespace Portico.Tools.Workflows;

/// <summary>
/// Runs in <c>waiting_approval</c>: a step whose tool needs approval got <c>APPROVAL_PENDING</c>, so the run left its lease
/// and its step row holds the step's rendered arguments (output) and the approval id (error). Every instance's engine
/// settles decided approvals here: approved makes the run due again (it continues with exactly the stored arguments),
/// denied or expired ends it <c>failed</c> naming the step. Each move is a conditional update on the run's status, so
/// one instance wins.
/// </summary>
internal sealed partial class WorkflowApprovalWaits(IServiceScopeFactory scopes, ApprovalStore approvals, TimeProvider time, ILogger<WorkflowApprovalWaits> logger)
{
    /// <summary>The step row's error while it waits: the pending approval's code and id.</summary>
    public static JsonObject WaitingError(string approvalId, string message)
        => new() { ["code"] = ApprovalGate.Pending, ["message"] = message, ["approval_id"] = approvalId };

    /// <summary>The approval a waiting step row names.</summary>
    public static string? ApprovalIdOf(WorkflowStepEntity row)
        => row.Status == StepStatuses.WaitingApproval && row.Error is { } error && JsonNode.Parse(error) is JsonObject json && json["approval_id"] is JsonValue id
            && id.TryGetValue<string>(out var value) ? value : null;

    /// <summary>Settles the waiting runs whose approval was decided or expired.</summary>
    public async Task SettleAsync(CancellationToken cancellationToken)
    {
        List<WorkflowStepEntity> waiting;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
            var runIds = db.Set<WorkflowRunEntity>().Where(r => r.Status == RunStatuses.WaitingApproval).Select(r => r.Id);
            waiting = await db.Set<WorkflowStepEntity>().AsNoTracking().TagWith(StoreMetrics.BackgroundTag)
                .Where(s => s.Status == StepStatuses.WaitingApproval && runIds.Contains(s.RunId)).OrderBy(s => s.RunId).ThenBy(s => s.StepIndex).Take(100).ToListAsync(cancellationToken);
        }

        var now = time.GetUtcNow();
        foreach (var row in waiting)
        {
            if (ApprovalIdOf(row) is not { } approvalId || await approvals.FindAsync(approvalId, cancellationToken) is not { } approval)
            {
                continue;
            }

            switch (approval.Status)
            {
                case ApprovalStatuses.Approved:
                    await ResumeAsync(row.RunId, cancellationToken);
                    break;
                case ApprovalStatuses.Denied:
                    if (await FailAsync(row, ApprovalGate.Denied,
                        $"The call of '{approval.Tool}' was denied ({approval.Id}, by {approval.DecidedBy ?? "an owner or admin"}); the step did not run.", cancellationToken))
                    {
                        // Reported here, so a later interactive call with the same arguments asks anew.
                        await approvals.ConsumeAsync(approval.Id, cancellationToken);
                    }

                    break;
                case ApprovalStatuses.Expired:
                case ApprovalStatuses.Pending when approval.ExpiresAt <= now:
                    await approvals.CloseAsync(approval.Id, ApprovalStatuses.Expired, cancellationToken);
                    await FailAsync(row, ApprovalGate.Expired, $"Nobody decided on the call of '{approval.Tool}' ({approval.Id}) before it expired; the step did not run.", cancellationToken);
                    break;
            }
        }
    }

    /// <summary>cancel_run of a waiting run: its pending approval is cancelled too, and its step recorded as stopped.</summary>
    public async Task CancelAsync(string runId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
        var row = await db.Set<WorkflowStepEntity>().AsNoTracking().FirstOrDefaultAsync(s => s.RunId == runId && s.Status == StepStatuses.WaitingApproval, cancellationToken);
        if (row is null)
        {
            return;
        }

        if (ApprovalIdOf(row) is { } approvalId)
        {
            await approvals.CloseAsync(approvalId, ApprovalStatuses.Cancelled, cancellationToken);
        }

        var error = StepOutcome.Failure("CANCELLED", "The run was cancelled while this step waited for approval.").ErrorJson().ToJsonString();
        var now = time.GetUtcNow();
        await db.Set<WorkflowStepEntity>().Where(s => s.RunId == runId && s.StepIndex == row.StepIndex && s.Status == StepStatuses.WaitingApproval)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.Status, StepStatuses.Failed).SetProperty(x => x.Error, error).SetProperty(x => x.FinishedAt, now), cancellationToken);
    }

    private async Task ResumeAsync(string runId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var now = time.GetUtcNow();
        var changed = await scope.ServiceProvider.GetRequiredService<PorticoDbContext>().Set<WorkflowRunEntity>()
            .Where(r => r.Id == runId && r.Status == RunStatuses.WaitingApproval)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, RunStatuses.Queued).SetProperty(r => r.DueAt, now).SetProperty(r => r.UpdatedAt, now), cancellationToken);
        if (changed == 1)
        {
            LogResumed(logger, runId);
        }
    }

    private async Task<bool> FailAsync(WorkflowStepEntity row, string code, string message, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
        var now = time.GetUtcNow();
        var runError = $"Step '{row.StepName}' did not run: {code}: {message}";
        var changed = await db.Set<WorkflowRunEntity>()
            .Where(r => r.Id == row.RunId && r.Status == RunStatuses.WaitingApproval)
            .ExecuteUpdateAsync(s => s
                .SetProperty(r => r.Status, RunStatuses.Failed)
                .SetProperty(r => r.FailedStep, row.StepName)
                .SetProperty(r => r.Error, runError)
                .SetProperty(r => r.FinishedAt, now)
                .SetProperty(r => r.UpdatedAt, now), cancellationToken);
        if (changed != 1)
        {
            return false;
        }

        var error = StepOutcome.Failure(code, message).ErrorJson().ToJsonString();
        await db.Set<WorkflowStepEntity>().Where(s => s.RunId == row.RunId && s.StepIndex == row.StepIndex && s.Status == StepStatuses.WaitingApproval)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.Status, StepStatuses.Failed).SetProperty(x => x.Error, error).SetProperty(x => x.FinishedAt, now), cancellationToken);
        LogSettled(logger, row.RunId, row.StepName, code);
        return true;
    }

    [LoggerMessage(EventId = 1645, Level = LogLevel.Information, Message = "Run {RunId} is due again: the approval its step waited for was approved")]
    private static partial void LogResumed(ILogger logger, string runId);

    [LoggerMessage(EventId = 1646, Level = LogLevel.Information, Message = "Run {RunId} failed at step {Step}: {Code}")]
    private static partial void LogSettled(ILogger logger, string runId, string step, string code);
}
