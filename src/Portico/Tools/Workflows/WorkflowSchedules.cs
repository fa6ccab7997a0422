using System.Text.Json.Nodes;
using Cronos;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portico.Access;
using Portico.Policy;
using Portico.Storage;

namespace Portico.Tools.Workflows;

/// <summary>
/// Schedule triggers: a cron expression (five fields, or six with seconds; Cronos) in a time zone. Each schedule's next
/// firing is a row; every engine fires the due ones, and the compare-and-set that moves a row's next firing decides,
/// in the same transaction as the run it creates, which engine fires it — so an occurrence starts one run however many
/// instances there are. Occurrences missed while no instance ran fire once, not once each.
/// </summary>
internal sealed partial class WorkflowSchedules(IServiceScopeFactory scopes, IOptionsMonitor<WorkflowOptions> options, TimeProvider time, ILogger<WorkflowSchedules> logger)
{
    /// <summary>The problem with a schedule trigger, or null when it can fire.</summary>
    public static string? Check(WorkflowTrigger trigger, DateTimeOffset now)
    {
        if (trigger.Cron is not { Length: > 0 } cron)
        {
            return "a schedule trigger needs 'cron' (e.g. \"0 9 * * 1-5\": 09:00 on weekdays).";
        }

        if (!TryParse(cron, out var expression))
        {
            return $"'{cron}' is not a cron expression: use five fields (minute hour day month weekday) or six with seconds first, e.g. \"*/15 * * * *\".";
        }

        if (!TryZone(trigger.TimeZone ?? "UTC", out var zone))
        {
            return $"'{trigger.TimeZone}' is not a time zone: use an IANA id such as \"Europe/Paris\" or \"UTC\".";
        }

        return expression.GetNextOccurrence(now, zone) is null ? $"'{cron}' never fires after now." : null;
    }

    /// <summary>Replaces the schedules of <paramref name="workflow"/> by its schedule triggers, acting as <paramref name="principal"/>.</summary>
    public async Task ReplaceAsync(PorticoDbContext db, WorkflowEntity workflow, Principal principal, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await db.Set<WorkflowScheduleEntity>().Where(s => s.TenantId == workflow.TenantId && s.WorkflowId == workflow.Id).ExecuteDeleteAsync(cancellationToken);
        foreach (var trigger in WorkflowTrigger.Parse(workflow.Triggers).Where(t => t.Type == WorkflowTrigger.Schedule))
        {
            db.Set<WorkflowScheduleEntity>().Add(new WorkflowScheduleEntity
            {
                TenantId = workflow.TenantId,
                WorkflowId = workflow.Id,
                TriggerId = trigger.Id,
                Cron = trigger.Cron!,
                TimeZone = trigger.TimeZone ?? "UTC",
                Input = (trigger.Input ?? []).ToJsonString(),
                OwnerId = principal.Id,
                CredentialKind = principal.Kind,
                CredentialId = principal.CredentialId,
                Scopes = RunCredentials.ScopesOf(principal),
                NextAt = Next(trigger.Cron!, trigger.TimeZone ?? "UTC", now),
            });
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>The next firings of a workflow's schedules, by trigger id.</summary>
    public static async Task<Dictionary<string, DateTimeOffset>> NextFiringsAsync(PorticoDbContext db, string tenantId, string workflowId, CancellationToken cancellationToken)
        => await db.Set<WorkflowScheduleEntity>().AsNoTracking().Where(s => s.TenantId == tenantId && s.WorkflowId == workflowId)
            .ToDictionaryAsync(s => s.TriggerId, s => s.NextAt, StringComparer.Ordinal, cancellationToken);

    /// <summary>Starts a run for every schedule that is due (of an active workflow; an inactive one's occurrence is skipped).</summary>
    public async Task<int> FireDueAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
        var due = await db.Set<WorkflowScheduleEntity>().AsNoTracking().TagWith(StoreMetrics.BackgroundTag)
            .Where(s => s.NextAt <= now).OrderBy(s => s.NextAt).Take(100).ToListAsync(cancellationToken);
        var fired = 0;
        foreach (var schedule in due)
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var was = schedule.NextAt;
            var next = Next(schedule.Cron, schedule.TimeZone, now);
            var moved = await db.Set<WorkflowScheduleEntity>()
                .Where(s => s.WorkflowId == schedule.WorkflowId && s.TriggerId == schedule.TriggerId && s.NextAt == was)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.NextAt, next), cancellationToken);
            if (moved == 0)
            {
                continue; // another instance fired it
            }

            var workflow = await db.Set<WorkflowEntity>().AsNoTracking()
                .FirstOrDefaultAsync(w => w.TenantId == schedule.TenantId && w.Id == schedule.WorkflowId, cancellationToken);
            var tier = await WorkflowRunLimit.TierAsync(db, schedule.TenantId, cancellationToken);
            if (workflow?.ActivatedAt is not null && tier < Tier.Pro)
            {
                // The group dropped below the plan schedules need: its occurrences pass without a run until it is back.
                LogBelowPlan(logger, schedule.WorkflowId, schedule.TriggerId, tier);
            }
            else if (workflow?.ActivatedAt is not null)
            {
                // Over the plan's concurrent runs the occurrence is recorded as a run that failed at once, saying why.
                var refusal = await WorkflowRunLimit.RefusalAsync(db, schedule.TenantId, tier, options.CurrentValue.ConcurrentRunsBelowProPlus, cancellationToken);
                db.Set<WorkflowRunEntity>().Add(new WorkflowRunEntity
                {
                    TenantId = workflow.TenantId,
                    Id = Ids.New(),
                    WorkflowId = workflow.Id,
                    WorkflowVersion = workflow.Version,
                    Definition = workflow.Definition,
                    TriggerId = schedule.TriggerId,
                    OwnerId = schedule.OwnerId,
                    CredentialKind = schedule.CredentialKind,
                    CredentialId = schedule.CredentialId,
                    Scopes = schedule.Scopes,
                    Status = refusal is null ? RunStatuses.Queued : RunStatuses.Failed,
                    Error = refusal is null ? null : $"{ToolGate.TierRequired}: {refusal} {WorkflowRunLimit.Hint}",
                    FinishedAt = refusal is null ? null : now,
                    Input = schedule.Input,
                    DueAt = now,
                    CreatedAt = now,
                    UpdatedAt = now,
                });
                await db.SaveChangesAsync(cancellationToken);
                fired++;
                LogFired(logger, schedule.WorkflowId, schedule.TriggerId);
            }

            await transaction.CommitAsync(cancellationToken);
            db.ChangeTracker.Clear();
        }

        return fired;
    }

    /// <summary>The first occurrence strictly after <paramref name="after"/>; far in the future when there is none (checked when defined).</summary>
    private static DateTimeOffset Next(string cron, string timeZone, DateTimeOffset after)
        => TryParse(cron, out var expression) && TryZone(timeZone, out var zone) && expression.GetNextOccurrence(after, zone) is { } next
            ? next.ToUniversalTime()
            : DateTimeOffset.MaxValue.AddYears(-1);

    private static bool TryParse(string cron, out CronExpression expression)
    {
        var fields = cron.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        var parsed = CronExpression.TryParse(cron, fields == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard, out var found);
        expression = found!;
        return parsed && found is not null;
    }

    private static bool TryZone(string id, out TimeZoneInfo zone)
    {
        try
        {
            zone = TimeZoneInfo.FindSystemTimeZoneById(id);
            return true;
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException or ArgumentException)
        {
            zone = TimeZoneInfo.Utc;
            return false;
        }
    }

    [LoggerMessage(EventId = 1620, Level = LogLevel.Information, Message = "Schedule {TriggerId} of workflow {WorkflowId} started a run")]
    private static partial void LogFired(ILogger logger, string workflowId, string triggerId);

    [LoggerMessage(EventId = 1621, Level = LogLevel.Information, Message = "Schedule {TriggerId} of workflow {WorkflowId} did not fire: its group's tier is {Tier}, schedules need pro")]
    private static partial void LogBelowPlan(ILogger logger, string workflowId, string triggerId, Tier tier);
}
