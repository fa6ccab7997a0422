using System.Net;
using System.Net.Http.Headers;

namespace Portico.Security;

/// <summary>
/// Fetches whole responses under an <see cref="OutboundHttpPolicy"/>: the request, its headers and its
/// body within the policy's time limit, and at most its size limit of body (read no further: a server
/// that sends gigabytes costs Portico one buffer).
/// </summary>
internal sealed class OutboundHttpClient(OutboundHttpPolicy policy) : IDisposable
{
    private readonly HttpClient _http = new(OutboundHttp.CreateHandler(policy)) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };

    public OutboundHttpPolicy Policy => policy;

    public async Task<OutboundResponse> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        // A network deadline, so wall-clock time on purpose: the server's TimeProvider does not bound a socket.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(policy.Timeout);
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            if (response.Content.Headers.ContentLength > policy.MaxResponseBytes)
            {
                throw TooLarge(request.RequestUri);
            }

            await using var stream = await response.Content.ReadAsStreamAsync(timeout.Token);
            var buffer = new byte[Math.Min(policy.MaxResponseBytes + 1, 64 * 1024)];
            using var body = new MemoryStream();
            int read;
            while ((read = await stream.ReadAsync(buffer, timeout.Token)) > 0)
            {
                body.Write(buffer, 0, read);
                if (body.Length > policy.MaxResponseBytes)
                {
                    throw TooLarge(request.RequestUri);
                }
            }

            return new OutboundResponse(response.StatusCode, response.ReasonPhrase, response.Headers, response.Content.Headers, body.ToArray());
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new OutboundHttpException(OutboundRefusal.TimedOut, $"'{request.RequestUri}' did not answer within {policy.Timeout.TotalSeconds:0.###} seconds.");
        }
    }

    public void Dispose() => _http.Dispose();

    private OutboundHttpException TooLarge(Uri? uri)
        => new(OutboundRefusal.TooLarge, $"'{uri}' answered with more than {policy.MaxResponseBytes} bytes, the most Portico reads for {policy.Use}.");
}

/// <summary>A whole response read under the policy's limits.</summary>
internal sealed record OutboundResponse(HttpStatusCode Status, string? ReasonPhrase, HttpResponseHeaders Headers, HttpContentHeaders ContentHeaders, byte[] Body)
{
    public bool IsSuccess => (int)Status is >= 200 and < 300;
}
