using System.Globalization;
using System.Net;
using System.Text;

namespace Portico.Bench;

/// <summary>
/// A response Portico really sent, kept as bytes: its headers (minus the ones Kestrel writes
/// itself) and its SSE events, each written as one chunk like Portico does. The last event's
/// JSON-RPC id is cut out so the bare server can echo each request's id.
/// </summary>
internal sealed class ResponseTemplate
{
    private const long CaptureId = 424242;
    private static readonly string[] KestrelHeaders = ["Date", "Server", "Transfer-Encoding", "Content-Length", "Connection", "Keep-Alive"];

    private ResponseTemplate(int status, List<KeyValuePair<string, string>> headers, List<byte[]> leadingEvents, byte[] beforeId, byte[] afterId)
    {
        Status = status;
        Headers = headers;
        LeadingEvents = leadingEvents;
        BeforeId = beforeId;
        AfterId = afterId;
    }

    public int Status { get; }

    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; }

    /// <summary>Events before the answer (the priming event), verbatim.</summary>
    public IReadOnlyList<byte[]> LeadingEvents { get; }

    /// <summary>The answer event up to the JSON-RPC id value.</summary>
    public byte[] BeforeId { get; }

    /// <summary>The answer event after the JSON-RPC id value, through its terminating blank line.</summary>
    public byte[] AfterId { get; }

    /// <summary>Asks Portico once for the initialize answer, the initialized notification's answer and the tools/call answer.</summary>
    public static async Task<(ResponseTemplate Initialize, ResponseTemplate Accepted, ResponseTemplate Call)> CaptureAsync(
        Uri url, CallBody call, IReadOnlyList<KeyValuePair<string, string>> requestHeaders, CancellationToken cancellationToken)
    {
        using var client = McpWire.CreateClient(requestHeaders);

        ResponseTemplate initialize;
        using (var request = McpWire.Post(url, McpWire.InitializeBody(CaptureId)))
        using (var response = await client.SendAsync(request, cancellationToken))
        {
            initialize = await FromResponseAsync(response, cancellationToken);
        }

        var sessionId = initialize.Headers.FirstOrDefault(h => h.Key.Equals(McpWire.SessionIdHeader, StringComparison.OrdinalIgnoreCase)).Value
            ?? throw new InvalidOperationException("initialize answered without an Mcp-Session-Id header");
        client.DefaultRequestHeaders.TryAddWithoutValidation(McpWire.SessionIdHeader, sessionId);
        client.DefaultRequestHeaders.TryAddWithoutValidation(McpWire.ProtocolVersionHeader, McpWire.ProtocolVersion);

        ResponseTemplate accepted;
        using (var request = McpWire.Post(url, """{"jsonrpc":"2.0","method":"notifications/initialized"}"""u8.ToArray()))
        using (var response = await client.SendAsync(request, cancellationToken))
        {
            if (response.StatusCode != HttpStatusCode.Accepted)
            {
                throw new InvalidOperationException($"notifications/initialized answered {(int)response.StatusCode}");
            }

            accepted = new ResponseTemplate(202, CopyHeaders(response), [], [], []);
        }

        using (var request = McpWire.Post(url, call.Build(CaptureId)))
        using (var response = await client.SendAsync(request, cancellationToken))
        {
            return (initialize, accepted, await FromResponseAsync(response, cancellationToken));
        }
    }

    private static async Task<ResponseTemplate> FromResponseAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK ||
            McpWire.CheckResponse(response.Content.Headers.ContentType?.MediaType, body, CaptureId) is { } problem)
        {
            throw new InvalidOperationException($"cannot use this answer as a template (HTTP {(int)response.StatusCode}): {Encoding.UTF8.GetString(body)}");
        }

        var events = SplitEvents(body);
        var answer = events[^1];
        var marker = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"\"id\":{CaptureId}"));
        var at = answer.AsSpan().LastIndexOf(marker);
        if (at < 0 || answer[at + marker.Length] is not ((byte)',' or (byte)'}'))
        {
            throw new InvalidOperationException($"cannot find the JSON-RPC id in the answer: {Encoding.UTF8.GetString(answer)}");
        }

        var idStart = at + "\"id\":"u8.Length;
        var idEnd = at + marker.Length;
        return new ResponseTemplate((int)response.StatusCode, CopyHeaders(response), events[..^1], answer[..idStart], answer[idEnd..]);
    }

    private static List<KeyValuePair<string, string>> CopyHeaders(HttpResponseMessage response)
    {
        var headers = new List<KeyValuePair<string, string>>();
        foreach (var (name, values) in response.Headers.NonValidated.Concat(response.Content.Headers.NonValidated))
        {
            if (!KestrelHeaders.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                // HttpClient reports headers it knows in its own spelling (X-Request-ID); Portico writes X-Request-Id.
                headers.Add(new(name.Equals("X-Request-ID", StringComparison.OrdinalIgnoreCase) ? "X-Request-Id" : name, values.ToString()));
            }
        }

        return headers;
    }

    /// <summary>Splits an SSE body into its events, each with its terminating blank line.</summary>
    private static List<byte[]> SplitEvents(byte[] body)
    {
        var events = new List<byte[]>();
        var start = 0;
        while (start < body.Length)
        {
            var end = body.AsSpan(start).IndexOf("\n\n"u8);
            if (end < 0)
            {
                throw new InvalidOperationException("the SSE body has an unterminated event (or uses CRLF line ends, which this capture does not handle)");
            }

            events.Add(body[start..(start + end + 2)]);
            start += end + 2;
        }

        return events;
    }

    /// <summary>Writes the template as a readable file (headers, then the body with the id put back).</summary>
    public string Describe(string title)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"## {title}\n\n```\nHTTP {Status}\n");
        foreach (var (name, value) in Headers)
        {
            text.Append(CultureInfo.InvariantCulture, $"{name}: {value}\n");
        }

        text.Append("```\n");
        if (BeforeId.Length > 0)
        {
            text.Append("\n```\n");
            foreach (var sse in LeadingEvents)
            {
                text.Append(Encoding.UTF8.GetString(sse));
            }

            text.Append(Encoding.UTF8.GetString(BeforeId)).Append("<id>").Append(Encoding.UTF8.GetString(AfterId)).Append("```\n");
        }

        return text.ToString();
    }
}
