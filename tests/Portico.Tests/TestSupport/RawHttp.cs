using System.Net.Sockets;
using System.Text;

namespace Portico.Tests.TestSupport;

/// <summary>
/// One HTTP/1.1 request written byte for byte over a socket, for what no HTTP client will send: repeated header
/// lines, folded lines, control characters and raw non-ASCII bytes in a header.
/// </summary>
internal static class RawHttp
{
    internal sealed record Result(int Status, string Head, string Body);

    /// <param name="headerLines">Header lines without their CRLF, written as given (Host, Content-Length and Connection are added).</param>
    public static async Task<Result> PostAsync(Uri baseAddress, string path, IEnumerable<string> headerLines, string body, Encoding? headerEncoding = null)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(baseAddress.Host, baseAddress.Port, cancellationToken);
        var stream = tcp.GetStream();
        var bodyBytes = Encoding.UTF8.GetBytes(body);
        var head = new StringBuilder($"POST {path} HTTP/1.1\r\nHost: {baseAddress.Authority}\r\nContent-Length: {bodyBytes.Length}\r\nConnection: close\r\n");
        foreach (var line in headerLines)
        {
            head.Append(line).Append("\r\n");
        }

        await stream.WriteAsync((headerEncoding ?? Encoding.Latin1).GetBytes(head.Append("\r\n").ToString()), cancellationToken);
        await stream.WriteAsync(bodyBytes, cancellationToken);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var response = await reader.ReadToEndAsync(cancellationToken);
        var split = response.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var statusLine = response.Split("\r\n", 2)[0];
        return new Result(int.Parse(statusLine.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture),
            split < 0 ? response : response[..split], split < 0 ? "" : response[(split + 4)..]);
    }
}
