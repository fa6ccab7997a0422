using Microsoft.EntityFrameworkCore;
using Portico.Access;
using Portico.Storage;

namespace Portico.Tools.Workflows;

/// <summary>
/// The plan gate on starting a run: a group below <c>pro_plus</c> may have at most
/// <see cref="WorkflowOptions.ConcurrentRunsBelowProPlus"/> runs queued or running at once. Every start counts them first
/// (execute_workflow, a schedule's occurrence, a webhook delivery). Two starts at the same moment may both see room, so the
/// limit can be passed by the starts racing on it; it is a plan gate, not a resource guard (the engine's own
/// <see cref="WorkflowOptions.MaxConcurrentRuns"/> bounds the work).
/// </summary>
internal static class WorkflowRunLimit
{
    public const string Hint = "Wait for runs to finish (list_runs shows them), cancel some with cancel_run, or upgrade the group's plan to pro_plus.";

    /// <summary>The tenant's tier now (an unknown tenant counts as the lowest).</summary>
    public static async Task<Tier> TierAsync(PorticoDbContext db, string tenantId, CancellationToken cancellationToken)
        => Plans.TierOf(await db.Set<TenantRecord>().AsNoTracking().Where(t => t.Id == tenantId).Select(t => t.PlanKey).FirstOrDefaultAsync(cancellationToken) ?? "");

    /// <summary>Why one more run may not start in <paramref name="tenantId"/> now, or null when it may.</summary>
    public static async Task<string?> RefusalAsync(PorticoDbContext db, string tenantId, Tier tier, int limit, CancellationToken cancellationToken)
    {
        if (tier >= Tier.ProPlus)
        {
            return null;
        }

        var active = await db.Set<WorkflowRunEntity>().AsNoTracking()
            .CountAsync(r => r.TenantId == tenantId && (r.Status == RunStatuses.Queued || r.Status == RunStatuses.Running), cancellationToken);
        return active < limit ? null
            : $"More than {limit} concurrent runs require tier '{Plans.Name(Tier.ProPlus)}' (current: '{Plans.Name(tier)}'); {active} runs of this group are queued or running.";
    }
}
