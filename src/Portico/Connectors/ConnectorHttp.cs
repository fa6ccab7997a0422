using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Portico.Security;

namespace Portico.Connectors;

/// <summary>
/// The outbound policy of connectors, <c>Portico:Outbound:Connectors</c>: fetching their documents and calling their APIs.
/// https and public addresses only unless the operator opens more; time and size limits per request. One pooled client per policy.
/// </summary>
internal sealed class ConnectorHttp(IOptionsMonitor<OutboundHttpOptions> options) : IDisposable
{
    public const string Key = "Connectors";

    private readonly ConcurrentDictionary<string, OutboundHttpClient> _clients = new(StringComparer.Ordinal);

    public OutboundHttpPolicy Policy => options.Get(Key).Policy(Key, "connectors");

    public OutboundHttpClient Client()
    {
        var policy = Policy;
        return _clients.GetOrAdd(policy.Key, _ => new OutboundHttpClient(policy));
    }

    public void Dispose()
    {
        foreach (var client in _clients.Values)
        {
            client.Dispose();
        }
    }
}
