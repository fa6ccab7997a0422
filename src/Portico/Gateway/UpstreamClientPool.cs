using System.Collections.Concurrent;

namespace Portico.Gateway;

/// <summary>
/// Upstream sessions by (upstream, credential identity). An identity is a user, a tenant or
/// "shared" depending on the upstream's credential mode, so two users of a per-user upstream
/// never share a session (nor the state an upstream keeps in one).
/// </summary>
internal sealed class UpstreamClientPool(UpstreamHttp http, ILoggerFactory loggers) : IAsyncDisposable
{
    public const string SharedIdentity = "shared";
    public const string HealthIdentity = "health";

    private readonly ConcurrentDictionary<(string Upstream, string Identity), UpstreamConnection> _connections = new();
    private readonly ILogger _logger = loggers.CreateLogger<UpstreamConnection>();

    /// <summary>The part of an identity that names whose stored credential its sessions carry (followed by the credential's stamp).</summary>
    public static string CredentialTag(string ownerKind, string ownerId) => $"|cred:{ownerKind}:{ownerId}@";

    /// <summary>
    /// The connection of <paramref name="identity"/>. A connection carrying a stored credential has
    /// <see cref="CredentialTag"/> and the credential's stamp in its identity, so a replaced secret
    /// gets a new connection and never rides an old one.
    /// </summary>
    public UpstreamConnection Get(UpstreamDefinition upstream, string identity, KeyValuePair<string, string>? credential = null)
    {
        while (true)
        {
            var connection = _connections.GetOrAdd((upstream.Name, identity), _ => new UpstreamConnection(upstream, credential, http, loggers, _logger));
            if (connection.Upstream.SameAs(upstream))
            {
                return connection;
            }

            // The upstream was reconfigured: its old sessions go with the old definition.
            if (_connections.TryRemove(new((upstream.Name, identity), connection)))
            {
                _ = connection.DisposeAsync().AsTask();
            }
        }
    }

    /// <summary>Closes every session of an upstream (removed or reconfigured).</summary>
    public Task CloseAsync(string upstream) => CloseAsync(upstream, _ => true);

    /// <summary>Closes the sessions of an upstream whose identity matches (e.g. those carrying a changed credential).</summary>
    public async Task CloseAsync(string upstream, Func<string, bool> identity)
    {
        foreach (var entry in _connections.Where(e => e.Key.Upstream == upstream && identity(e.Key.Identity)).ToList())
        {
            if (_connections.TryRemove(entry))
            {
                await entry.Value.DisposeAsync();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var key in _connections.Keys.ToList())
        {
            if (_connections.TryRemove(key, out var connection))
            {
                await connection.DisposeAsync();
            }
        }
    }
}
