using System.Net;
using System.Net.Security;
using System.Net.Sockets;

namespace Portico.Cli.Doctor;

/// <summary>The checks below HTTP: the name resolves (DNS), the port accepts a connection (TCP), and for https the certificate (TLS).</summary>
internal static class DoctorNetwork
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);

    public static async Task<(DoctorCheck Check, IPAddress[] Addresses)> DnsAsync(Uri url, CancellationToken cancellationToken)
    {
        if (IPAddress.TryParse(url.IdnHost, out var literal))
        {
            return (DoctorCheck.Pass("dns", $"{url.Host} is an IP address (nothing to resolve)"), [literal]);
        }

        try
        {
            var addresses = await Dns.GetHostAddressesAsync(url.IdnHost, cancellationToken);
            return addresses.Length > 0
                ? (DoctorCheck.Pass("dns", $"{url.Host} resolves to {string.Join(", ", addresses.Take(3).Select(a => a.ToString()))}"), addresses)
                : (NotFound(url, "no addresses"), []);
        }
        catch (SocketException ex)
        {
            return (NotFound(url, ex.Message), []);
        }
    }

    private static DoctorCheck NotFound(Uri url, string why) => DoctorCheck.Fail("dns", $"{url.Host} does not resolve ({why})",
        $"ENOTFOUND {url.Host}: DNS resolution failure.",
        $"Check the host name for typos. If curl {url.Scheme}://{url.Authority}/.well-known/oauth-protected-resource works from another machine, the problem is on this side (firewall, corporate proxy, DNS cache); if it fails there too, the deploy may be mid-rollout: wait 1-2 minutes and retry.");

    public static async Task<DoctorCheck> TcpAsync(Uri url, IPAddress[] addresses, CancellationToken cancellationToken)
    {
        string? lastError = null;
        foreach (var address in addresses.Take(3))
        {
            using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(ConnectTimeout);
            try
            {
                await socket.ConnectAsync(address, url.Port, timeout.Token);
                return DoctorCheck.Pass("tcp", $"{address}:{url.Port} accepts connections");
            }
            catch (SocketException ex)
            {
                lastError = ex.SocketErrorCode == SocketError.ConnectionRefused ? "connection refused" : ex.Message;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                lastError = $"no answer within {ConnectTimeout.TotalSeconds:0} s";
            }
        }

        return DoctorCheck.Fail("tcp", $"{url.Host}:{url.Port}: {lastError}",
            lastError == "connection refused" ? "Nothing listens on that port: the server is not running, is restarting, or listens on another port." : "The network drops the connection: a firewall, VPN or proxy is in the way, or the host is down.",
            "Check that the server is up (portico serve, or its container) and that the URL's port is the one it listens on; on a corporate network you may need the VPN. A timeout means networking, not MCP.");
    }

    public static async Task<DoctorCheck> TlsAsync(Uri url, TimeProvider time, CancellationToken cancellationToken)
    {
        if (url.Scheme == Uri.UriSchemeHttp)
        {
            return url.IsLoopback
                ? DoctorCheck.Pass("tls", "plain HTTP on loopback (no TLS needed on this machine)")
                : DoctorCheck.Warn("tls", "plain HTTP", "Credentials and tool results cross the network unencrypted.",
                    $"Serve the endpoint over https (a TLS-terminating proxy in front of it), then use https://{url.Authority}{url.AbsolutePath}.");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ConnectTimeout);
        try
        {
            using var tcp = new TcpClient();
            await tcp.ConnectAsync(url.IdnHost, url.Port, timeout.Token);
            await using var tls = new SslStream(tcp.GetStream());
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = url.IdnHost }, timeout.Token);
            var certificate = tls.RemoteCertificate is { } remote ? System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(remote.GetRawCertData()) : null;
            var expires = certificate?.NotAfter.ToUniversalTime();
            var detail = $"{tls.SslProtocol}, certificate {certificate?.Subject} valid until {expires:yyyy-MM-dd}";
            return expires is { } until && until - time.GetUtcNow().UtcDateTime < TimeSpan.FromDays(14)
                ? DoctorCheck.Warn("tls", detail, "The certificate expires within 14 days; clients will then refuse to connect.", "Renew the certificate.")
                : DoctorCheck.Pass("tls", detail);
        }
        catch (Exception ex) when (ex is System.Security.Authentication.AuthenticationException or IOException or SocketException
            || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return DoctorCheck.Fail("tls", $"TLS handshake with {url.Authority} failed: {ex.Message}",
                "The certificate is not trusted here (expired, self-signed, wrong host name) or the port does not speak TLS.",
                $"Check the certificate (openssl s_client -connect {url.Host}:{url.Port} -servername {url.Host}); if the server speaks plain HTTP, use http://.");
        }
    }
}
