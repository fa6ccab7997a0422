using Microsoft.EntityFrameworkCore;
using Portico.Catalog;
using Portico.Storage;

namespace Portico.Mcp;

/// <summary>Small writes to a session's stored record that tools make (kept apart from the session manager, which depends on the catalog).</summary>
internal sealed class SessionRecords(IServiceScopeFactory scopes)
{
    public async Task SetActiveTenantAsync(ICallSession session, string tenantId, CancellationToken cancellationToken)
    {
        session.ActiveTenantId = tenantId;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
        // Another instance may hold a live copy of this session: tell it (a bulk update, so recorded by hand).
        await db.ExecuteRecordedAsync(token => db.Set<SessionRecord>().Where(s => s.Id == session.Id).ExecuteUpdateAsync(s => s.SetProperty(r => r.ActiveTenantId, tenantId), token),
            McpTopics.Sessions, [session.Id], cancellationToken);
    }
}
