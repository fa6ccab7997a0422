using Microsoft.EntityFrameworkCore;
using Portico.Access;
using Portico.Catalog;
using Portico.Storage;

namespace Portico.Policy.Approvals;

/// <summary>
/// Which calls need approval: a tool its pack marks <see cref="ToolDefinition.RequiresApproval"/>, or any tool (native,
/// upstream, connector) a tenant's owner or admin listed for the tenant. The tenant's list is cached per instance and
/// dropped on every change of it, wherever the change was made.
/// </summary>
internal sealed class ApprovalRules : IDisposable
{
    /// <summary>Longer than any catalog name, shorter than anything that would make a row unwieldy.</summary>
    public const int MaxToolNameLength = 256;

    private readonly IServiceScopeFactory _scopes;
    private readonly McpCatalog _catalog;
    private readonly TimeProvider _time;
    private readonly InvalidatingCache<string, HashSet<string>> _rules;

    public ApprovalRules(IServiceScopeFactory scopes, StoreChanges changes, McpCatalog catalog, TimeProvider time)
    {
        _scopes = scopes;
        _catalog = catalog;
        _time = time;
        _rules = new InvalidatingCache<string, HashSet<string>>(changes, scopes, LoadAsync, StringComparer.Ordinal)
            .DropOn(ApprovalTopics.Rules, tenantId => tenantId)
            .DropOn(AccessTopics.Tenant, tenantId => tenantId);
    }

    public async ValueTask<bool> RequiredAsync(ToolDefinition tool, string? tenantId, CancellationToken cancellationToken)
        => tool.RequiresApproval || (tenantId is not null && (await _rules.GetAsync(tenantId, cancellationToken)).Contains(tool.Name));

    /// <summary>The tools the tenant listed, sorted.</summary>
    public async Task<List<ApprovalRule>> ListAsync(string tenantId, CancellationToken cancellationToken)
    {
        await using var scope = _scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<PorticoDbContext>().Set<ApprovalRule>().AsNoTracking()
            .Where(r => r.TenantId == tenantId).OrderBy(r => r.Tool).ToListAsync(cancellationToken);
    }

    /// <summary>
    /// Requires approval for <paramref name="tool"/> in the tenant. The name must be a tool of the catalog (an upstream's
    /// tool by its catalog name) — a typo would otherwise leave the tool ungated while the list says it is gated.
    /// </summary>
    /// <exception cref="AccessException">Unknown tool or tenant, or a name that is no tool name.</exception>
    public async Task<bool> AddAsync(string tenantId, string tool, string? by, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(tool) || tool.Length > MaxToolNameLength || !_catalog.TryGetTool(tool, out _))
        {
            throw new AccessException($"No tool named '{Shorten(tool)}' is served by this server.",
                "Use a name exactly as tools/list shows it (an upstream's tools carry its prefix).");
        }

        await using var scope = _scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
        if (!await db.Set<TenantRecord>().AnyAsync(t => t.Id == tenantId, cancellationToken))
        {
            throw new AccessException($"Tenant '{Shorten(tenantId)}' not found.", "List tenants with portico tenants list.");
        }

        if (await db.Set<ApprovalRule>().AnyAsync(r => r.TenantId == tenantId && r.Tool == tool, cancellationToken))
        {
            return false;
        }

        db.Set<ApprovalRule>().Add(new ApprovalRule { TenantId = tenantId, Tool = tool, CreatedAt = _time.GetUtcNow(), CreatedBy = by });
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    public async Task<bool> RemoveAsync(string tenantId, string tool, CancellationToken cancellationToken)
    {
        await using var scope = _scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
        var rule = await db.Set<ApprovalRule>().SingleOrDefaultAsync(r => r.TenantId == tenantId && r.Tool == tool, cancellationToken);
        if (rule is null)
        {
            return false;
        }

        db.Set<ApprovalRule>().Remove(rule);
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    public void Dispose() => _rules.Dispose();

    private static async Task<HashSet<string>> LoadAsync(IServiceProvider services, string tenantId, CancellationToken cancellationToken)
        => new(await services.GetRequiredService<PorticoDbContext>().Set<ApprovalRule>().AsNoTracking()
            .Where(r => r.TenantId == tenantId).Select(r => r.Tool).ToListAsync(cancellationToken), StringComparer.Ordinal);

    private static string Shorten(string? text) => text is null ? "" : text.Length > 80 ? text[..80] + "…" : text;
}
