using System.Net.Sockets;
using System.Text;

namespace Portico.Tests.TestSupport;

/// <summary>
/// A client that streams a request body of unbounded length with <c>Transfer-Encoding: chunked</c>
/// (so there is no Content-Length to check) over a raw socket: it keeps sending until the server
/// answers or <c>stopAfterBytes</c> have gone out, and records how much it sent before the answer.
/// </summary>
internal static class ChunkedFlood
{
    private const int ChunkSize = 64 * 1024;

    /// <summary>
    /// What came back, and how many body bytes had gone out when the upload ended. <c>CutOff</c>: the
    /// server answered or closed the connection before <c>stopAfterBytes</c> were sent.
    /// </summary>
    internal sealed record Result(int? Status, string Headers, string Body, long BytesSent, bool CutOff);

    /// <param name="prefix">The body's start (e.g. <c>{"client_name":"</c>); <paramref name="filler"/> repeats after it forever.</param>
    public static async Task<Result> SendAsync(Uri baseAddress, string path, string contentType, string prefix, char filler = 'x',
        IReadOnlyDictionary<string, string>? headers = null, long stopAfterBytes = 20 * 1024 * 1024)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(baseAddress.Host, baseAddress.Port, cancellationToken);
        var stream = tcp.GetStream();
        var head = new StringBuilder($"POST {path} HTTP/1.1\r\nHost: {baseAddress.Authority}\r\nContent-Type: {contentType}\r\nTransfer-Encoding: chunked\r\n");
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            head.Append(name).Append(": ").Append(value).Append("\r\n");
        }

        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.Append("\r\n").ToString()), cancellationToken);
        using var answered = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var response = ReadResponseAsync(stream, answered, cancellationToken);

        long sent = 0;
        var cutOff = false;
        var first = true;
        var filled = Encoding.UTF8.GetBytes(new string(filler, ChunkSize));
        try
        {
            while (!response.IsCompleted && sent < stopAfterBytes)
            {
                var data = first ? Encoding.UTF8.GetBytes(prefix + new string(filler, ChunkSize - Encoding.UTF8.GetByteCount(prefix))) : filled;
                first = false;
                await stream.WriteAsync(Encoding.ASCII.GetBytes($"{data.Length:x}\r\n"), answered.Token);
                await stream.WriteAsync(data, answered.Token);
                await stream.WriteAsync("\r\n"u8.ToArray(), answered.Token);
                sent += data.Length;
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or SocketException)
        {
            // The server answered (the write was cancelled) or closed the connection: both end the upload.
            cutOff = true;
        }

        cutOff |= response.IsCompleted;
        if (!cutOff)
        {
            // Never answered while we sent: end the body properly and see what the server does with it.
            try
            {
                await stream.WriteAsync("0\r\n\r\n"u8.ToArray(), cancellationToken);
            }
            catch (IOException)
            {
            }
        }

        var (status, headerText, body) = await response.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
        return new Result(status, headerText, body, sent, cutOff);
    }

    private static async Task<(int? Status, string Headers, string Body)> ReadResponseAsync(NetworkStream stream, CancellationTokenSource answered, CancellationToken cancellationToken)
    {
        var received = new MemoryStream();
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var read = await stream.ReadAsync(buffer, cancellationToken);
                if (read == 0)
                {
                    break;
                }

                received.Write(buffer, 0, read);
                if (Complete(received.ToArray()) is { } done)
                {
                    return done;
                }
            }
        }
        catch (IOException)
        {
        }
        finally
        {
            await answered.CancelAsync();
        }

        return Complete(received.ToArray(), closed: true) ?? (null, Encoding.UTF8.GetString(received.ToArray()), "");
    }

    /// <summary>The status, headers and body once a whole response is in (Content-Length, chunked, or closed connection).</summary>
    private static (int? Status, string Headers, string Body)? Complete(byte[] bytes, bool closed = false)
    {
        var text = Encoding.UTF8.GetString(bytes);
        var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (end < 0)
        {
            return null;
        }

        var headers = text[..end];
        var body = text[(end + 4)..];
        var status = int.Parse(headers.Split(' ', 3)[1], System.Globalization.CultureInfo.InvariantCulture);
        var lines = headers.Split("\r\n");
        if (lines.FirstOrDefault(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase)) is { } lengthLine)
        {
            var length = int.Parse(lengthLine["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
            return Encoding.UTF8.GetByteCount(body) >= length ? (status, headers, body) : closed ? (status, headers, body) : null;
        }

        if (lines.Any(l => l.StartsWith("Transfer-Encoding:", StringComparison.OrdinalIgnoreCase) && l.Contains("chunked", StringComparison.OrdinalIgnoreCase)))
        {
            return body.EndsWith("0\r\n\r\n", StringComparison.Ordinal) || closed ? (status, headers, Dechunk(body)) : null;
        }

        return closed ? (status, headers, body) : null;
    }

    private static string Dechunk(string body)
    {
        var result = new StringBuilder();
        var position = 0;
        while (position < body.Length)
        {
            var lineEnd = body.IndexOf("\r\n", position, StringComparison.Ordinal);
            if (lineEnd < 0)
            {
                break;
            }

            var size = Convert.ToInt32(body[position..lineEnd], 16);
            if (size == 0)
            {
                break;
            }

            result.Append(body, lineEnd + 2, Math.Min(size, body.Length - lineEnd - 2));
            position = lineEnd + 2 + size + 2;
        }

        return result.ToString();
    }
}
