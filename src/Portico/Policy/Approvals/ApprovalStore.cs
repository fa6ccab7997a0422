using Microsoft.EntityFrameworkCore;
using Portico.Access;
using Portico.Storage;

namespace Portico.Policy.Approvals;

/// <summary>
/// The approvals table. Every move of an approval is one conditional statement (<c>UPDATE … WHERE status = 'pending'</c>,
/// <c>… WHERE consumed_at IS NULL</c>), so two deciders, two instances or a decision racing the expiry cannot both win:
/// the store decides, not an instance's memory. The arguments column is written once, on insert, and never updated.
/// The CLI, which has no directory of memberships, acts as a Portico administrator.
/// </summary>
internal sealed class ApprovalStore(IServiceScopeFactory scopes, TimeProvider time, AccessDirectory? directory = null)
{
    /// <summary>The roles of a tenant that decide its approvals (and set its rules).</summary>
    public static readonly string[] DeciderRoles = ["owner", "admin"];

    public async Task CreateAsync(ApprovalRecord approval, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
        db.Set<ApprovalRecord>().Add(approval);
        await db.SaveChangesAsync(cancellationToken);
    }

    public async Task<ApprovalRecord?> FindAsync(string id, CancellationToken cancellationToken)
    {
        if (!ApprovalIds.IsPlausible(id))
        {
            return null;
        }

        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<PorticoDbContext>().Set<ApprovalRecord>().AsNoTracking()
            .SingleOrDefaultAsync(a => a.Id == id, cancellationToken);
    }

    /// <summary>The approval task <paramref name="taskId"/> asked for, if any.</summary>
    public async Task<ApprovalRecord?> FindForTaskAsync(string taskId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<PorticoDbContext>().Set<ApprovalRecord>().AsNoTracking()
            .Where(a => a.TaskId == taskId).OrderByDescending(a => a.CreatedAt).FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>
    /// The latest request of a client without tasks for the same call (caller, tenant, tool, argument hash) that is still
    /// to be answered: pending, or decided and not yet taken.
    /// </summary>
    public async Task<ApprovalRecord?> FindOpenCallAsync(string ownerId, string? tenantId, string tool, string hash, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var now = time.GetUtcNow();
        return await scope.ServiceProvider.GetRequiredService<PorticoDbContext>().Set<ApprovalRecord>().AsNoTracking()
            .Where(a => a.OwnerId == ownerId && a.Tool == tool && a.TenantId == tenantId && a.ArgumentsHash == hash && a.TaskId == null && a.ConsumedAt == null)
            .Where(a => (a.Status == ApprovalStatuses.Pending && a.ExpiresAt > now) || a.Status == ApprovalStatuses.Approved || a.Status == ApprovalStatuses.Denied)
            .OrderByDescending(a => a.CreatedAt).FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>Approvals in the tenants <paramref name="viewer"/> decides for (every tenant for a Portico administrator), newest first.</summary>
    public async Task<List<ApprovalRecord>> ListAsync(Principal viewer, string? status, CancellationToken cancellationToken)
    {
        var managed = await ManagedTenantsAsync(viewer, cancellationToken);
        await using var scope = scopes.CreateAsyncScope();
        var query = scope.ServiceProvider.GetRequiredService<PorticoDbContext>().Set<ApprovalRecord>().AsNoTracking();
        if (managed is not null)
        {
            query = query.Where(a => a.TenantId != null && managed.Contains(a.TenantId));
        }

        if (status is not null)
        {
            var now = time.GetUtcNow();
            query = status == ApprovalStatuses.Pending ? query.Where(a => a.Status == status && a.ExpiresAt > now) : query.Where(a => a.Status == status);
        }

        return await query.OrderByDescending(a => a.CreatedAt).Take(200).ToListAsync(cancellationToken);
    }

    /// <summary>Whether <paramref name="viewer"/> may decide approvals of <paramref name="tenantId"/>.</summary>
    public async Task<bool> MayDecideAsync(Principal viewer, string? tenantId, CancellationToken cancellationToken)
    {
        var managed = await ManagedTenantsAsync(viewer, cancellationToken);
        return managed is null || (tenantId is not null && managed.Contains(tenantId));
    }

    /// <summary>
    /// Approves or denies a pending approval, if <paramref name="decider"/> is an owner or admin of its tenant (or a Portico
    /// administrator). Only one decision ever lands: the update is conditional on the row still being pending and unexpired.
    /// </summary>
    public async Task<ApprovalDecision> DecideAsync(string id, Principal decider, bool approve, CancellationToken cancellationToken)
    {
        var approval = await FindAsync(id, cancellationToken);
        if (approval is null || !await MayDecideAsync(decider, approval.TenantId, cancellationToken))
        {
            return ApprovalDecision.NotFound;
        }

        var now = time.GetUtcNow();
        var status = approve ? ApprovalStatuses.Approved : ApprovalStatuses.Denied;
        await using var scope = scopes.CreateAsyncScope();
        var changed = await scope.ServiceProvider.GetRequiredService<PorticoDbContext>().Set<ApprovalRecord>()
            .Where(a => a.Id == id && a.Status == ApprovalStatuses.Pending && a.ExpiresAt > now)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.Status, status).SetProperty(a => a.DecidedAt, now).SetProperty(a => a.DecidedBy, decider.Email ?? decider.Id),
                cancellationToken);
        return changed == 1 ? ApprovalDecision.Decided : ApprovalDecision.AlreadyDecided;
    }

    /// <summary>Takes a decided approval for its one run (or its one report): true for the first taker only, on any instance.</summary>
    public async Task<bool> ConsumeAsync(string id, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<PorticoDbContext>().Set<ApprovalRecord>()
            .Where(a => a.Id == id && a.ConsumedAt == null && (a.Status == ApprovalStatuses.Approved || a.Status == ApprovalStatuses.Denied))
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.ConsumedAt, now), cancellationToken) == 1;
    }

    /// <summary>Ends a pending approval without a decision: <see cref="ApprovalStatuses.Expired"/> or <see cref="ApprovalStatuses.Cancelled"/>.</summary>
    public async Task<bool> CloseAsync(string id, string status, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<PorticoDbContext>().Set<ApprovalRecord>()
            .Where(a => a.Id == id && a.Status == ApprovalStatuses.Pending)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.Status, status), cancellationToken) == 1;
    }

    /// <summary>Marks every pending approval past its expiry as expired.</summary>
    public async Task<int> ExpireAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<PorticoDbContext>().Set<ApprovalRecord>().TagWith(StoreMetrics.BackgroundTag)
            .Where(a => a.Status == ApprovalStatuses.Pending && a.ExpiresAt <= now)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.Status, ApprovalStatuses.Expired), cancellationToken);
    }

    /// <summary>Whether the credential that made the call still authenticates (an API key not revoked nor expired); other kinds are re-checked by their own expiry.</summary>
    public async Task<bool> CredentialValidAsync(Principal caller, CancellationToken cancellationToken)
    {
        if (caller.Kind != Principal.ApiKeyKind || caller.CredentialId is not { } keyId)
        {
            return true;
        }

        var now = time.GetUtcNow();
        await using var scope = scopes.CreateAsyncScope();
        var key = await scope.ServiceProvider.GetRequiredService<PorticoDbContext>().Set<ApiKeyRecord>().AsNoTracking()
            .SingleOrDefaultAsync(k => k.Id == keyId, cancellationToken);
        return key is not null && key.RevokedAt is null && (key.ExpiresAt is null || key.ExpiresAt > now);
    }

    /// <summary>Null for a Portico administrator (every tenant); otherwise the tenants the principal owns or administers.</summary>
    private async Task<HashSet<string>?> ManagedTenantsAsync(Principal viewer, CancellationToken cancellationToken)
    {
        if (viewer.Scopes.Contains(Scopes.Admin))
        {
            return null;
        }

        IReadOnlyList<TenantMembership> memberships = directory is null ? [] : await directory.GetMembershipsAsync(viewer.Id, cancellationToken);
        return [.. memberships.Where(m => DeciderRoles.Contains(m.Role)).Select(m => m.TenantId)];
    }
}
