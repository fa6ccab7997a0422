using Microsoft.EntityFrameworkCore;
using Portico.Storage;

namespace Portico.Identity;

/// <summary>
/// Revokes grants (a whole token family) and answers "is this grant revoked" for every request
/// carrying an access token, from memory after the first look-up. A revocation raises a store
/// change, so no instance keeps honouring a revoked token after it hears of it.
/// </summary>
internal sealed class GrantRevocations : IDisposable
{
    private readonly InvalidatingCache<string, bool> _revoked;
    private readonly TimeProvider _time;

    public GrantRevocations(IServiceScopeFactory scopes, StoreChanges changes, TimeProvider time)
    {
        _time = time;
        _revoked = new InvalidatingCache<string, bool>(changes, scopes, LoadAsync, StringComparer.Ordinal).DropOn(IdentityTopics.Grants, id => id);
    }

    public ValueTask<bool> IsRevokedAsync(string grantId, CancellationToken cancellationToken) => _revoked.GetAsync(grantId, cancellationToken);

    /// <summary>Revokes the grant and with it every refresh token and access token it issued.</summary>
    public Task RevokeAsync(PorticoDbContext db, string grantId, CancellationToken cancellationToken) => RevokeAsync(db, _time, [grantId], cancellationToken);

    /// <summary>Revokes grants from anywhere that writes the store (a server, the CLI): every instance hears of it through the change log.</summary>
    public static async Task RevokeAsync(PorticoDbContext db, TimeProvider time, IReadOnlyCollection<string> grantIds, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        // A bulk update, unseen by the change tracker: ExecuteRecordedAsync commits it with the changes that stop other instances honouring the grants.
        await db.ExecuteRecordedAsync(token => db.Set<OAuthGrantRecord>().Where(g => grantIds.Contains(g.Id) && g.RevokedAt == null).ExecuteUpdateAsync(s => s.SetProperty(g => g.RevokedAt, now), token),
            IdentityTopics.Grants, grantIds, cancellationToken);
    }

    public void Dispose() => _revoked.Dispose();

    private static async Task<bool> LoadAsync(IServiceProvider services, string grantId, CancellationToken cancellationToken)
    {
        var grant = await services.GetRequiredService<PorticoDbContext>().Set<OAuthGrantRecord>().AsNoTracking()
            .Where(g => g.Id == grantId).Select(g => new { g.RevokedAt }).FirstOrDefaultAsync(cancellationToken);
        return grant is null || grant.RevokedAt is not null;
    }
}
