using System.Net;
using System.Net.Sockets;

namespace Portico.Security;

/// <summary>
/// The one way Portico makes server-side HTTP requests to URLs it was given (client metadata documents,
/// upstream MCP servers, upstream OAuth discovery and token calls): a <see cref="SocketsHttpHandler"/>
/// whose connect callback resolves the host itself and connects only to addresses the policy allows — the
/// check happens on the very addresses connected to, so a name that resolves to a public address when
/// checked and to 127.0.0.1 when used (DNS rebinding) cannot pass. No redirects are followed, no proxy is
/// used (it would be the address checked), no cookies are kept.
/// </summary>
internal static class OutboundHttp
{
    public static HttpMessageHandler CreateHandler(OutboundHttpPolicy policy)
        => new PolicyHandler(policy, new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            UseProxy = false,
            ConnectTimeout = policy.Timeout < TimeSpan.FromSeconds(15) ? policy.Timeout : TimeSpan.FromSeconds(15),
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectCallback = (context, cancellationToken) => ConnectAsync(policy, context.DnsEndPoint, cancellationToken),
        });

    private static async ValueTask<Stream> ConnectAsync(OutboundHttpPolicy policy, DnsEndPoint endPoint, CancellationToken cancellationToken)
    {
        var host = endPoint.Host.Trim('[', ']');
        var rules = policy.RulesFor(host, endPoint.Port);
        IPAddress[] addresses;
        try
        {
            addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancellationToken);
        }
        catch (SocketException)
        {
            throw new OutboundHttpException(OutboundRefusal.Unresolved, $"'{host}' could not be resolved.");
        }

        var allowed = addresses.Where(a => rules.Allows(a, host)).ToArray();
        if (allowed.Length == 0)
        {
            throw new OutboundHttpException(OutboundRefusal.NotAllowed, rules.AddressProblem(host));
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, endPoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Refuses a request whose scheme the policy does not allow before any connection is made.</summary>
    private sealed class PolicyHandler(OutboundHttpPolicy policy, HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
            => request.RequestUri is { } uri && policy.RequestProblem(uri) is { } problem
                ? throw new OutboundHttpException(OutboundRefusal.NotAllowed, problem)
                : base.SendAsync(request, cancellationToken);
    }
}
