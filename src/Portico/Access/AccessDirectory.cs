using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Portico.Storage;

namespace Portico.Access;

/// <summary>
/// Answers "who is this key" and "which tenants may this user use" from memory after the first
/// look-up. Entries are dropped the moment a change is raised (<see cref="StoreChanges"/>): on the
/// writing instance immediately, on the others within the listener's period — never on a timer.
/// </summary>
internal sealed class AccessDirectory
{
    public const string KeyTopic = "key";
    public const string UserTopic = "user";
    public const string TenantTopic = "tenant";

    private readonly ConcurrentDictionary<string, ApiKeyEntry> _keys = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, IReadOnlyList<TenantMembership>> _memberships = new(StringComparer.Ordinal);
    private readonly IServiceScopeFactory _scopes;
    private readonly ApiKeyUsage _usage;
    private readonly TimeProvider _time;

    public AccessDirectory(IServiceScopeFactory scopes, StoreChanges changes, ApiKeyUsage usage, TimeProvider time)
    {
        _scopes = scopes;
        _usage = usage;
        _time = time;
        changes.Changed += OnChanged;
    }

    /// <summary>Raised after a cached entry was dropped because of a change (topic, subject).</summary>
    public event Action<string, string>? Invalidated;

    public async ValueTask<AuthenticationResult> AuthenticateApiKeyAsync(string presented, CancellationToken cancellationToken)
    {
        if (!ApiKeyFormat.TryParse(presented, out var environment, out var id, out var secret))
        {
            return AuthenticationResult.Invalid();
        }

        var entry = _keys.TryGetValue(id, out var cached) ? cached : await LoadKeyAsync(id, cancellationToken);
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

    public async ValueTask<IReadOnlyList<TenantMembership>> GetMembershipsAsync(string userId, CancellationToken cancellationToken)
    {
        if (_memberships.TryGetValue(userId, out var cached))
        {
            return cached;
        }

        await using var scope = _scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
        var memberships = await (
                from m in db.Set<MembershipRecord>()
                join t in db.Set<TenantRecord>() on m.TenantId equals t.Id
                where m.UserId == userId
                orderby t.Name, t.Id
                select new TenantMembership(t.Id, t.Name, t.PlanKey, m.Role))
            .AsNoTracking()
            .ToListAsync(cancellationToken);
        _memberships[userId] = memberships;
        return memberships;
    }

    private async Task<ApiKeyEntry?> LoadKeyAsync(string id, CancellationToken cancellationToken)
    {
        await using var scope = _scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
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

        var loaded = new ApiKeyEntry(entry.k.Id, entry.k.UserId, entry.Email, entry.k.Environment, entry.k.SecretHash,
            new HashSet<string>(entry.k.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries), StringComparer.Ordinal),
            entry.k.TenantId, entry.k.ExpiresAt, entry.k.RevokedAt);
        _keys[id] = loaded;
        return loaded;
    }

    private void OnChanged(string topic, string subject)
    {
        switch (topic)
        {
            case KeyTopic:
                _keys.TryRemove(subject, out _);
                break;
            case UserTopic:
                _memberships.TryRemove(subject, out _);
                break;
            case TenantTopic:
                // A tenant's plan, name or members changed: any user's list may hold it.
                _memberships.Clear();
                break;
            default:
                return;
        }

        Invalidated?.Invoke(topic, subject);
    }
}
