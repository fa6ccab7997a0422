using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Portico.Storage;

namespace Portico.Identity;

/// <summary>
/// Revokes grants (a whole token family) and answers "is this grant revoked" for every request
/// carrying an access token, from memory after the first look-up. A revocation raises a store
/// change, so no instance keeps honouring a revoked token after it hears of it.
/// </summary>
internal sealed class GrantRevocations
{
    public const string Topic = "oauth_grant";

    private readonly ConcurrentDictionary<string, bool> _revoked = new(StringComparer.Ordinal);
    private readonly IServiceScopeFactory _scopes;
    private readonly StoreChanges _changes;
    private readonly TimeProvider _time;

    public GrantRevocations(IServiceScopeFactory scopes, StoreChanges changes, TimeProvider time)
    {
        _scopes = scopes;
        _changes = changes;
        _time = time;
        changes.Changed += (topic, subject) =>
        {
            if (topic == Topic)
            {
                _revoked.TryRemove(subject, out _);
            }
        };
    }

    public async ValueTask<bool> IsRevokedAsync(string grantId, CancellationToken cancellationToken)
    {
        if (_revoked.TryGetValue(grantId, out var revoked))
        {
            return revoked;
        }

        await using var scope = _scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
        var grant = await db.Set<OAuthGrantRecord>().AsNoTracking().Where(g => g.Id == grantId).Select(g => new { g.RevokedAt }).FirstOrDefaultAsync(cancellationToken);
        revoked = grant is null || grant.RevokedAt is not null;
        _revoked[grantId] = revoked;
        return revoked;
    }

    /// <summary>Revokes the grant and with it every refresh token and access token it issued.</summary>
    public Task RevokeAsync(PorticoDbContext db, string grantId, CancellationToken cancellationToken) => RevokeAsync(db, _changes, _time, [grantId], cancellationToken);

    /// <summary>Revokes grants from anywhere that writes the store (a server, the CLI): every instance hears of it through the change log.</summary>
    public static async Task RevokeAsync(PorticoDbContext db, StoreChanges changes, TimeProvider time, IReadOnlyCollection<string> grantIds, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await db.Set<OAuthGrantRecord>().Where(g => grantIds.Contains(g.Id) && g.RevokedAt == null).ExecuteUpdateAsync(s => s.SetProperty(g => g.RevokedAt, now), cancellationToken);
        var recorded = grantIds.Select(id => changes.Record(db, Topic, id)).ToList();
        await db.SaveChangesAsync(cancellationToken);
        foreach (var change in recorded)
        {
            changes.Raise(change);
        }
    }
}
