using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portico.Access;
using Portico.Storage;

namespace Portico.Mcp;

/// <summary>
/// People's view of MCP sessions: the open ones (not ended, not idle past the timeout), counted or listed for one owner or
/// for everyone, and ending one. A session is ended only for its owner or an administrator — its id alone is never enough.
/// </summary>
internal sealed class SessionAdmin(PorticoDbContext db, McpSessionManager sessions, IOptions<McpOptions> options, TimeProvider time)
{
    /// <param name="ownerId">Only this user's sessions; null for everyone's (administrators).</param>
    public Task<int> CountOpenAsync(string? ownerId, CancellationToken cancellationToken) => Open(ownerId).CountAsync(cancellationToken);

    /// <param name="ownerId">Only this user's sessions; null for everyone's (administrators).</param>
    public async Task<IReadOnlyList<OpenSession>> ListOpenAsync(string? ownerId, CancellationToken cancellationToken)
        => await Open(ownerId)
            .OrderByDescending(s => s.LastSeenAt).ThenBy(s => s.Id)
            .Select(s => new OpenSession(s.Id, s.ClientName, s.ClientVersion, s.ProtocolVersion, s.CreatedAt, s.LastSeenAt, s.OwnerId,
                db.Set<UserRecord>().Where(u => u.Id == s.OwnerId).Select(u => u.Email).FirstOrDefault(),
                s.ActiveTenantId,
                db.Set<TenantRecord>().Where(t => t.Id == s.ActiveTenantId).Select(t => t.Name).FirstOrDefault()))
            .ToListAsync(cancellationToken);

    /// <summary>Ends <paramref name="sessionId"/> on every instance if <paramref name="by"/> owns it or is an administrator.</summary>
    public async Task<SessionEnd> EndAsync(string sessionId, Principal by, CancellationToken cancellationToken)
    {
        var owner = await Open(null).Where(s => s.Id == sessionId).Select(s => s.OwnerId).FirstOrDefaultAsync(cancellationToken);
        if (owner is null)
        {
            return SessionEnd.NotFound;
        }

        if (owner != by.Id && !by.Scopes.Contains(Scopes.Admin))
        {
            return SessionEnd.NotYours;
        }

        return await sessions.EndAsync(sessionId, cancellationToken) ? SessionEnd.Ended : SessionEnd.NotFound;
    }

    private IQueryable<SessionRecord> Open(string? ownerId)
    {
        var cutoff = time.GetUtcNow() - options.Value.SessionIdleTimeout;
        var open = db.Set<SessionRecord>().AsNoTracking().Where(s => s.ClosedAt == null && s.LastSeenAt >= cutoff);
        return ownerId is null ? open : open.Where(s => s.OwnerId == ownerId);
    }
}
