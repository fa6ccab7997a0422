using System.Net;

namespace Portico.Tests.Tools.Records.Transfers;

/// <summary>A body of unknown length, so HttpClient sends it chunked (no Content-Length for the server to check first).</summary>
internal sealed class ChunkedContent(byte[] bytes, int chunk = 16 * 1024) : HttpContent
{
    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        for (var i = 0; i < bytes.Length; i += chunk)
        {
            await stream.WriteAsync(bytes.AsMemory(i, Math.Min(chunk, bytes.Length - i)));
            await stream.FlushAsync();
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = -1;
        return false;
    }
}
