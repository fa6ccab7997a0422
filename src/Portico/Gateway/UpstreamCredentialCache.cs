using Portico.Storage;

namespace Portico.Gateway;

/// <summary>
/// The credentials calls use, read through from the store and decrypted once. A change anywhere
/// (this instance, another one, the CLI) drops the cached copy and closes the pooled upstream
/// sessions that carried the old secret; a read racing a change is not cached.
/// </summary>
internal sealed class UpstreamCredentialCache : IDisposable
{
    private readonly IServiceScopeFactory _scopes;
    private readonly StoreChanges _changes;
    private readonly UpstreamClientPool _pool;
    private readonly Lock _lock = new();
    private readonly Dictionary<(string Upstream, string OwnerKind, string OwnerId), UpstreamCredential?> _cached = [];
    private long _generation;

    public UpstreamCredentialCache(IServiceScopeFactory scopes, StoreChanges changes, UpstreamClientPool pool)
    {
        _scopes = scopes;
        _changes = changes;
        _pool = pool;
        _changes.Changed += OnChanged;
    }

    public async ValueTask<UpstreamCredential?> FindAsync(string upstream, string ownerKind, string ownerId, CancellationToken cancellationToken)
    {
        var key = (upstream, ownerKind, ownerId);
        long generation;
        lock (_lock)
        {
            if (_cached.TryGetValue(key, out var cached))
            {
                return cached;
            }

            generation = _generation;
        }

        await using var scope = _scopes.CreateAsyncScope();
        var credential = await scope.ServiceProvider.GetRequiredService<UpstreamCredentialStore>().FindAsync(upstream, ownerKind, ownerId, cancellationToken);
        lock (_lock)
        {
            if (generation == _generation)
            {
                _cached[key] = credential;
            }
        }

        return credential;
    }

    /// <summary>Marks a credential the upstream refused (see <see cref="UpstreamCredentialStore.MarkInvalidAsync"/>).</summary>
    public async Task MarkInvalidAsync(UpstreamCredential credential, string reason, CancellationToken cancellationToken)
    {
        await using var scope = _scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<UpstreamCredentialStore>().MarkInvalidAsync(credential, reason, cancellationToken);
    }

    public void Dispose() => _changes.Changed -= OnChanged;

    /// <summary>
    /// Closes the sessions that carry anything but the credential now stored (all of them when it
    /// was cleared or refused). The one now stored is kept: a call may already be using it, and
    /// this change may be the very one that stored it.
    /// </summary>
    private async Task DropStaleSessionsAsync(string upstream, string ownerKind, string ownerId)
    {
        var tag = UpstreamClientPool.CredentialTag(ownerKind, ownerId);
        string? keep = null;
        try
        {
            keep = await FindAsync(upstream, ownerKind, ownerId, CancellationToken.None) is { InvalidAt: null } current ? tag + current.Stamp : null;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Unreadable now: keep nothing, the next call reads it again.
        }

        await _pool.CloseAsync(upstream, identity => identity.Contains(tag, StringComparison.Ordinal) && (keep is null || !identity.EndsWith(keep, StringComparison.Ordinal)));
    }

    private void OnChanged(string topic, string subject)
    {
        if (topic == UpstreamCredentialStore.Topic && UpstreamCredentialStore.ParseSubject(subject) is { } changed)
        {
            lock (_lock)
            {
                _generation++;
                _cached.Remove(changed);
            }

            _ = DropStaleSessionsAsync(changed.Upstream, changed.OwnerKind, changed.OwnerId);
        }
        else if (topic == UpstreamAdmin.Topic)
        {
            // A removed upstream takes its credentials with it (ON DELETE CASCADE).
            lock (_lock)
            {
                _generation++;
                foreach (var key in _cached.Keys.Where(k => k.Upstream == subject).ToList())
                {
                    _cached.Remove(key);
                }
            }
        }
    }
}
