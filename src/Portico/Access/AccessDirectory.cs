using Microsoft.EntityFrameworkCore;
using Portico.Storage;

namespace Portico.Access;

/// <summary>
/// Answers "who is this key" and "which tenants may this user use" from memory after the first
/// look-up. Entries are dropped the moment a change is raised (<see cref="InvalidatingCache{TKey, TValue}"/>): on the
/// writing instance immediately, on the others within the listener's period — never on a timer.
/// </summary>
internal sealed class AccessDirectory : IDisposable
{
    private readonly InvalidatingCache<string, ApiKeyEntry?> _keys;
    private readonly InvalidatingCache<string, IReadOnlyList<TenantMembership>> _memberships;
    private readonly ApiKeyUsage _usage;
    private readonly TimeProvider _time;

    public AccessDirectory(IServiceScopeFactory scopes, StoreChanges changes, ApiKeyUsage usage, TimeProvider time)
    {
        _usage = usage;
        _time = time;
        // Unknown key ids are not kept: anyone can make them up.
        _keys = new InvalidatingCache<string, ApiKeyEntry?>(changes, scopes, LoadKeyAsync, StringComparer.Ordinal, keep: entry => entry is not null)
            .DropOn(AccessTopics.Key, id => id);
        _memberships = new InvalidatingCache<string, IReadOnlyList<TenantMembership>>(changes, scopes, LoadMembershipsAsync, StringComparer.Ordinal)
            .DropOn(AccessTopics.User, userId => userId)
            // A tenant's plan or name changed: any user's list may hold it.
            .ClearOn(AccessTopics.Tenant);
        _keys.Dropped += (topic, subject) => Invalidated?.Invoke(topic, subject);
        _memberships.Dropped += (topic, subject) => Invalidated?.Invoke(topic, subject);
    }

    /// <summary>Raised after a cached entry was dropped because of a change (topic, subject).</summary>
    public event Action<StoreTopic, string>? Invalidated;

    public async ValueTask<AuthenticationResult> AuthenticateApiKeyAsync(string presented, CancellationToken cancellationToken)
    {
        if (!ApiKeyFormat.TryParse(presented, out var environment, out var id, out var secret))
        {
            return AuthenticationResult.Invalid();
        }

        var entry = await _keys.GetAsync(id, cancellationToken);
        // The prefix is part of the key: a test key presented as live (or the reverse) is not that key.
        if (entry is null || !ApiKeyFormat.Matches(secret, entry.SecretHash) || !string.Equals(environment, entry.Environment, StringComparison.Ordinal))
        {
            return AuthenticationResult.Invalid();
        }

        if (entry.RevokedAt is not null)
        {
            return AuthenticationResult.Revoked();
        }

        var now = _time.GetUtcNow();
        if (entry.ExpiresAt <= now)
        {
            return AuthenticationResult.Expired();
        }

        _usage.Record(entry.Id, now);
        return AuthenticationResult.Success(new Principal
        {
            Id = entry.UserId,
            Kind = Principal.ApiKeyKind,
            Email = entry.Email,
            CredentialId = entry.Id,
            Scopes = entry.Scopes,
            BoundTenantId = entry.TenantId,
        });
    }

    public ValueTask<IReadOnlyList<TenantMembership>> GetMembershipsAsync(string userId, CancellationToken cancellationToken)
        => _memberships.GetAsync(userId, cancellationToken);

    public void Dispose()
    {
        _keys.Dispose();
        _memberships.Dispose();
    }

    private static async Task<IReadOnlyList<TenantMembership>> LoadMembershipsAsync(IServiceProvider services, string userId, CancellationToken cancellationToken)
    {
        var db = services.GetRequiredService<PorticoDbContext>();
        return await (
                from m in db.Set<MembershipRecord>()
                join t in db.Set<TenantRecord>() on m.TenantId equals t.Id
                where m.UserId == userId
                orderby t.Name, t.Id
                select new TenantMembership(t.Id, t.Name, t.PlanKey, m.Role))
            .AsNoTracking()
            .ToListAsync(cancellationToken);
    }

    private static async Task<ApiKeyEntry?> LoadKeyAsync(IServiceProvider services, string id, CancellationToken cancellationToken)
    {
        var db = services.GetRequiredService<PorticoDbContext>();
        var entry = await (
                from k in db.Set<ApiKeyRecord>()
                join u in db.Set<UserRecord>() on k.UserId equals u.Id
                where k.Id == id
                select new { k, u.Email })
            .AsNoTracking()
            .FirstOrDefaultAsync(cancellationToken);
        if (entry is null)
        {
            return null;
        }

        return new ApiKeyEntry(entry.k.Id, entry.k.UserId, entry.Email, entry.k.Environment, entry.k.SecretHash,
            new HashSet<string>(entry.k.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries), StringComparer.Ordinal),
            entry.k.TenantId, entry.k.ExpiresAt, entry.k.RevokedAt);
    }
}
