using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Portico.Security;

namespace Portico.Gateway;

/// <summary>
/// The outbound policies of the gateway. An upstream's own URL is the operator's choice and follows
/// <c>Portico:Outbound:Upstreams</c>. Every URL an upstream names during OAuth discovery (its 401's
/// <c>resource_metadata</c>, its authorization server, token and registration endpoints) follows
/// <c>Portico:Outbound:UpstreamOAuth</c> — public https by default — except on the upstream's own
/// origin, which is trusted exactly as far as the upstream itself is.
/// </summary>
internal sealed class UpstreamHttp : IDisposable
{
    public const string UpstreamsKey = "Upstreams";
    public const string OAuthKey = "UpstreamOAuth";

    private readonly IOptionsMonitor<OutboundHttpOptions> _options;
    private readonly ConcurrentDictionary<string, OutboundHttpClient> _clients = new(StringComparer.Ordinal);

    public UpstreamHttp(IOptionsMonitor<OutboundHttpOptions> options) => _options = options;

    /// <summary>The policy of connections to upstream MCP servers (their URL as configured).</summary>
    public OutboundHttpPolicy Upstreams => _options.Get(UpstreamsKey).Policy(UpstreamsKey, "upstream connections");

    /// <summary>The policy of <paramref name="upstream"/>'s OAuth discovery and token requests.</summary>
    public OutboundHttpPolicy OAuth(Uri upstream)
        => _options.Get(OAuthKey).Policy(OAuthKey, "upstream OAuth discovery").WithOrigin(new Uri(upstream.GetLeftPart(UriPartial.Authority)), Upstreams);

    /// <summary>A client for <paramref name="upstream"/>'s OAuth requests, one per policy (its connections are pooled).</summary>
    public OutboundHttpClient OAuthClient(Uri upstream)
    {
        var policy = OAuth(upstream);
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
