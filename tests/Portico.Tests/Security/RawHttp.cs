using System.Net.Sockets;
using System.Text;

namespace Portico.Tests.Security;

/// <summary>
/// Sends a request exactly as written: the request target is not normalised by a client library (HttpClient removes
/// dot segments and re-encodes), so the server sees every spelling an attacker can put on the wire.
/// </summary>
internal static class RawHttp
{
    public static async Task<(int Status, string Response)> SendAsync(Uri server, string method, string target, string? body = null,
        IReadOnlyDictionary<string, string>? headers = null)
    {
        using var tcp = new TcpClient();
        var ct = TestContext.Current.CancellationToken;
        await tcp.ConnectAsync(server.Host, server.Port, ct);
        await using var stream = tcp.GetStream();
        var request = new StringBuilder();
        request.Append(method).Append(' ').Append(target).Append(" HTTP/1.1\r\n");
        request.Append("Host: ").Append(server.Authority).Append("\r\n");
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Append(name).Append(": ").Append(value).Append("\r\n");
        }

        var payload = Encoding.UTF8.GetBytes(body ?? "");
        if (body is not null)
        {
            request.Append("Content-Type: application/json\r\n");
        }

        request.Append("Content-Length: ").Append(payload.Length).Append("\r\nConnection: close\r\n\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request.ToString()), ct);
        await stream.WriteAsync(payload, ct);

        using var reader = new StreamReader(stream, Encoding.UTF8);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        var statusLine = await reader.ReadLineAsync(timeout.Token) ?? "";
        var rest = new StringBuilder();
        var buffer = new char[4096];
        int read;
        // An event stream would never end: the status line and the first few KB are what the assertions need.
        while (rest.Length < 4096 && (read = await reader.ReadAsync(buffer, timeout.Token)) > 0)
        {
            rest.Append(buffer, 0, read);
        }

        var parts = statusLine.Split(' ');
        return (parts.Length > 1 && int.TryParse(parts[1], out var status) ? status : 0, statusLine + "\n" + rest);
    }
}
