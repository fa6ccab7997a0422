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
    private readonly UpstreamClientPool _pool;
    private readonly InvalidatingCache<(string Upstream, string OwnerKind, string OwnerId), UpstreamCredential?> _credentials;

    public UpstreamCredentialCache(IServiceScopeFactory scopes, StoreChanges changes, UpstreamClientPool pool)
    {
        _scopes = scopes;
        _pool = pool;
        _credentials = new InvalidatingCache<(string Upstream, string OwnerKind, string OwnerId), UpstreamCredential?>(changes, scopes,
                (services, key, cancellationToken) => services.GetRequiredService<UpstreamCredentialStore>().FindAsync(key.Upstream, key.OwnerKind, key.OwnerId, cancellationToken))
            .DropWhere(GatewayTopics.Credentials, (subject, key) => subject == UpstreamCredentialStore.Subject(key.Upstream, key.OwnerKind, key.OwnerId))
            // A removed upstream takes its credentials with it (ON DELETE CASCADE).
            .DropWhere(GatewayTopics.Upstreams, (upstream, key) => key.Upstream == upstream);
        _credentials.Dropped += (topic, subject) =>
        {
            if (topic == GatewayTopics.Credentials)
            {
                _ = DropStaleSessionsAsync(subject);
            }
        };
    }

    public ValueTask<UpstreamCredential?> FindAsync(string upstream, string ownerKind, string ownerId, CancellationToken cancellationToken)
        => _credentials.GetAsync((upstream, ownerKind, ownerId), cancellationToken);

    /// <summary>Marks a credential the upstream refused (see <see cref="UpstreamCredentialStore.MarkInvalidAsync"/>).</summary>
    public async Task MarkInvalidAsync(UpstreamCredential credential, string reason, CancellationToken cancellationToken)
    {
        await using var scope = _scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<UpstreamCredentialStore>().MarkInvalidAsync(credential, reason, cancellationToken);
    }

    public void Dispose() => _credentials.Dispose();

    /// <summary>
    /// Closes the sessions that carry anything but the credential now stored (all of them when it
    /// was cleared or refused). The one now stored is kept: a call may already be using it, and
    /// this change may be the very one that stored it.
    /// </summary>
    private async Task DropStaleSessionsAsync(string subject)
    {
        if (subject.Split('|', 3) is not [var upstream, var ownerKind, var ownerId])
        {
            return;
        }

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
}
