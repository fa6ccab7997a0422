using Microsoft.Extensions.Options;

namespace Portico.Gateway;

/// <summary>
/// Upstream sessions by (upstream, credential actually sent). Callers of an upstream that takes no
/// stored credentials share one session (one process, for stdio); an upstream with per-user or
/// per-tenant credentials gets one session per stored credential, so no session ever carries
/// another's secret. A session unused for <see cref="GatewayOptions.ConnectionIdleTimeout"/> is closed,
/// and an upstream holds at most <see cref="GatewayOptions.MaxConnectionsPerUpstream"/> sessions: the
/// least recently used idle one makes room, and when every one is busy the caller is told so
/// (<see cref="UpstreamBusyException"/>) rather than the host growing a process per caller.
/// </summary>
internal sealed class UpstreamClientPool(UpstreamHttp http, IOptionsMonitor<GatewayOptions> options, TimeProvider time, ILoggerFactory loggers) : IAsyncDisposable
{
    public const string SharedIdentity = "shared";
    public const string HealthIdentity = "health";

    private readonly Lock _lock = new();
    private readonly Dictionary<(string Upstream, string Identity), UpstreamConnection> _connections = [];
    private readonly ILogger _logger = loggers.CreateLogger<UpstreamConnection>();

    /// <summary>The identity of sessions carrying a stored credential: whose it is and its stamp, so a replaced secret gets a new session.</summary>
    public static string CredentialIdentity(UpstreamCredential credential) => CredentialTag(credential.OwnerKind, credential.OwnerId) + credential.Stamp;

    /// <summary>The part of an identity that names whose stored credential its sessions carry (followed by the credential's stamp).</summary>
    public static string CredentialTag(string ownerKind, string ownerId) => $"|cred:{ownerKind}:{ownerId}@";

    /// <summary>How many sessions an upstream has open now.</summary>
    public int Count(string upstream)
    {
        lock (_lock)
        {
            return _connections.Keys.Count(k => k.Upstream == upstream);
        }
    }

    /// <summary>
    /// The connection of <paramref name="identity"/>, leased until the lease is disposed (a leased
    /// connection is never closed for being idle or to make room). The health check's lease does not
    /// count against the cap: an upstream is checked however busy it is. A <paramref name="newest"/> session speaks the
    /// newest revision both sides know (its identity must differ from the pinned session's).
    /// </summary>
    public UpstreamLease Rent(UpstreamDefinition upstream, string identity, KeyValuePair<string, string>? credential = null, bool health = false, bool newest = false)
    {
        var stale = new List<UpstreamConnection>();
        UpstreamConnection connection;
        lock (_lock)
        {
            var key = (upstream.Name, identity);
            if (_connections.TryGetValue(key, out var existing) && !existing.Upstream.SameAs(upstream))
            {
                // The upstream was reconfigured: its old sessions go with the old definition.
                _connections.Remove(key);
                stale.Add(existing);
                existing = null;
            }

            if (existing is null)
            {
                var max = Math.Max(1, options.CurrentValue.MaxConnectionsPerUpstream);
                var open = _connections.Where(e => e.Key.Upstream == upstream.Name).ToList();
                if (!health && open.Count >= max)
                {
                    var idlest = open.Where(e => e.Value.InUse == 0).OrderBy(e => e.Value.LastUsed).FirstOrDefault();
                    if (idlest.Value is null)
                    {
                        Dispose(stale);
                        throw new UpstreamBusyException(upstream.Name, max);
                    }

                    _connections.Remove(idlest.Key);
                    stale.Add(idlest.Value);
                }

                existing = new UpstreamConnection(upstream, credential, http, loggers, _logger, newest);
                _connections[key] = existing;
            }

            connection = existing;
            connection.Acquire(time.GetUtcNow());
        }

        Dispose(stale);
        return new UpstreamLease(connection, time);
    }

    /// <summary>Closes the sessions nobody used for the idle timeout (called every health-check cycle).</summary>
    public async Task CloseIdleAsync()
    {
        var cutoff = time.GetUtcNow() - options.CurrentValue.ConnectionIdleTimeout;
        List<UpstreamConnection> idle;
        lock (_lock)
        {
            var expired = _connections.Where(e => e.Value.InUse == 0 && e.Value.LastUsed < cutoff).ToList();
            foreach (var entry in expired)
            {
                _connections.Remove(entry.Key);
            }

            idle = [.. expired.Select(e => e.Value)];
        }

        foreach (var connection in idle)
        {
            await connection.DisposeAsync();
        }
    }

    /// <summary>Closes every session of an upstream (removed or reconfigured).</summary>
    public Task CloseAsync(string upstream) => CloseAsync(upstream, _ => true);

    /// <summary>Closes the sessions of an upstream whose identity matches (e.g. those carrying a changed credential).</summary>
    public async Task CloseAsync(string upstream, Func<string, bool> identity)
    {
        List<UpstreamConnection> closed;
        lock (_lock)
        {
            var matching = _connections.Where(e => e.Key.Upstream == upstream && identity(e.Key.Identity)).ToList();
            foreach (var entry in matching)
            {
                _connections.Remove(entry.Key);
            }

            closed = [.. matching.Select(e => e.Value)];
        }

        foreach (var connection in closed)
        {
            await connection.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        List<UpstreamConnection> all;
        lock (_lock)
        {
            all = [.. _connections.Values];
            _connections.Clear();
        }

        foreach (var connection in all)
        {
            await connection.DisposeAsync();
        }
    }

    private static void Dispose(List<UpstreamConnection> connections)
    {
        foreach (var connection in connections)
        {
            _ = connection.DisposeAsync().AsTask();
        }
    }
}
