using System.Net.Sockets;
using System.Text;

namespace Portico.Tests.Tools.Records.Transfers;

/// <summary>
/// An upload over a raw socket, for what HttpClient will not do: send a Content-Length and then only part of the body,
/// then drop the connection (or hold it open), as a client whose network failed would.
/// </summary>
internal sealed class RawUpload : IDisposable
{
    private readonly TcpClient _tcp = new();

    private NetworkStream _stream = null!;

    public static async Task<RawUpload> StartAsync(Uri baseAddress, string method, string path, string key, long contentLength, ReadOnlyMemory<byte> firstPart,
        IReadOnlyDictionary<string, string>? headers = null)
    {
        var upload = new RawUpload();
        await upload._tcp.ConnectAsync(baseAddress.Host, baseAddress.Port);
        upload._stream = upload._tcp.GetStream();
        var head = new StringBuilder()
            .Append(System.Globalization.CultureInfo.InvariantCulture, $"{method} {path} HTTP/1.1\r\nHost: {baseAddress.Authority}\r\nAuthorization: Bearer {key}\r\n")
            .Append(System.Globalization.CultureInfo.InvariantCulture, $"Content-Length: {contentLength}\r\nContent-Type: application/octet-stream\r\n");
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            head.Append(System.Globalization.CultureInfo.InvariantCulture, $"{name}: {value}\r\n");
        }

        await upload._stream.WriteAsync(Encoding.ASCII.GetBytes(head.Append("\r\n").ToString()));
        await upload._stream.WriteAsync(firstPart);
        await upload._stream.FlushAsync();
        return upload;
    }

    /// <summary>Reads what the server answered (before the body was sent in full), up to the connection's end or the first response.</summary>
    public async Task<(int Status, string Response)> ReadResponseAsync()
    {
        var buffer = new byte[16 * 1024];
        var text = new StringBuilder();
        while (true)
        {
            var read = await _stream.ReadAsync(buffer).AsTask().WaitAsync(TestSupport.Eventually.DefaultTimeout);
            if (read == 0)
            {
                break;
            }

            text.Append(Encoding.UTF8.GetString(buffer, 0, read));
            var all = text.ToString();
            var end = all.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (end > 0 && all[..end].Split("\r\n").FirstOrDefault(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase)) is { } length
                && all.Length >= end + 4 + int.Parse(length["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture))
            {
                break;
            }
        }

        var response = text.ToString();
        return (int.Parse(response.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture), response);
    }

    /// <summary>Drops the connection at once (RST), as a failed network would.</summary>
    public void Drop()
    {
        _tcp.Client.LingerState = new LingerOption(true, 0);
        _tcp.Close();
    }

    public void Dispose() => _tcp.Dispose();
}
