// MCP9005: logging, sampling and roots are deprecated by the 2026-07-28 revision, but upstreams speak
// 2025-11-25, where they are how a tool talks to its caller; Portico relays them on purpose.
#pragma warning disable MCP9005
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol.Protocol;

namespace Portico.Gateway;

/// <summary>
/// Marks what an upstream sends on a call's own response stream (Streamable HTTP: the SSE answer to the
/// POST of the call) with the call's request id, in <c>_meta</c> under <see cref="UpstreamCallRelay.MetaKey"/>,
/// and counts the notifications Portico relays. The wire is the one place that says which call a message
/// belongs to; once the SDK has parsed it, all calls of a pooled session look alike.
/// </summary>
internal sealed class UpstreamCallTap(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    /// <summary>Notifications relayed to the caller, and so counted: the call's result waits for them.</summary>
    private static readonly HashSet<string> Counted = [NotificationMethods.LoggingMessageNotification, NotificationMethods.ProgressNotification];

    /// <summary>Requests to the caller during a call (answered before the upstream can finish, so never waited for).</summary>
    private static readonly HashSet<string> Requests = [RequestMethods.SamplingCreateMessage, RequestMethods.ElicitationCreate, RequestMethods.RootsList];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var relay = UpstreamCallRelay.Current;
        var response = await base.SendAsync(request, cancellationToken);
        // Only POSTs carry a call; the session's GET stream (started during some call) belongs to no call.
        if (relay is null || request.Method != HttpMethod.Post)
        {
            return response;
        }

        relay.MarkTapped();
        if (response.Content.Headers.ContentType?.MediaType == "application/json" && relay.PassInputThrough)
        {
            // A stateless upstream may answer with a plain JSON body; read whole (it is one message) to look at it.
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            var passed = JsonNode.Parse(body) is JsonObject message && TakeInputRequired(message, relay) ? message.ToJsonString() : body;
            var content = new StringContent(passed, Encoding.UTF8);
            foreach (var header in response.Content.Headers.Where(h => !h.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)))
            {
                content.Headers.Remove(header.Key);
                content.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }

            response.Content = content;
            return response;
        }

        if (response.Content.Headers.ContentType?.MediaType != "text/event-stream")
        {
            return response;
        }

        var tagged = new StreamContent(new TaggingStream(await response.Content.ReadAsStreamAsync(cancellationToken), relay));
        foreach (var header in response.Content.Headers)
        {
            tagged.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        response.Content = tagged;
        return response;
    }

    /// <summary>
    /// The call's own response, when it is an input-required result to pass through (<see cref="UpstreamCallRelay.PassInputThrough"/>):
    /// kept for the gateway and replaced by an empty tool result, so the SDK client does not resolve it itself.
    /// </summary>
    private static bool TakeInputRequired(JsonObject message, UpstreamCallRelay relay)
    {
        if (!relay.PassInputThrough || message.ContainsKey("method") || message["id"] is not JsonValue id || !id.TryGetValue<string>(out var requestId)
            || requestId != relay.RequestId || message["result"] is not JsonObject result
            || result["resultType"] is not JsonValue type || !type.TryGetValue<string>(out var kind) || kind != "input_required")
        {
            return false;
        }

        if (result.Deserialize(ModelContextProtocol.McpJsonUtilities.DefaultOptions.GetTypeInfo(typeof(InputRequiredResult))) is not InputRequiredResult passed)
        {
            return false;
        }

        relay.PassedInput = passed;
        message["result"] = new JsonObject { ["content"] = new JsonArray() };
        return true;
    }

    /// <summary>The SSE lines as they come, each <c>data:</c> line with a message of the call rewritten to carry the call's id.</summary>
    private sealed class TaggingStream(Stream inner, UpstreamCallRelay relay) : Stream
    {
        private readonly StreamReader _reader = new(inner, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: false, bufferSize: 4096, leaveOpen: false);
        private byte[] _pending = [];
        private int _offset;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            while (_offset >= _pending.Length)
            {
                if (await _reader.ReadLineAsync(cancellationToken) is not { } line)
                {
                    return 0;
                }

                _pending = Encoding.UTF8.GetBytes(Rewrite(line) + "\n");
                _offset = 0;
            }

            var count = Math.Min(buffer.Length, _pending.Length - _offset);
            _pending.AsMemory(_offset, count).CopyTo(buffer);
            _offset += count;
            return count;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
            => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _reader.Dispose();
            }

            base.Dispose(disposing);
        }

        private string Rewrite(string line)
        {
            if (!line.StartsWith("data:", StringComparison.Ordinal))
            {
                return line;
            }

            var data = line.AsSpan(5).TrimStart(' ');
            if (data.Length == 0 || data[0] != '{')
            {
                return line;
            }

            try
            {
                if (JsonNode.Parse(data.ToString()) is not JsonObject message)
                {
                    return line;
                }

                if (TakeInputRequired(message, relay))
                {
                    return "data: " + message.ToJsonString();
                }

                if (message["method"]?.GetValue<string>() is not { } method)
                {
                    return line;
                }

                var isRequest = message.ContainsKey("id");
                if (isRequest ? !Requests.Contains(method) : !Counted.Contains(method))
                {
                    return line;
                }

                if (message["params"] is not JsonObject parameters)
                {
                    parameters = [];
                    message["params"] = parameters;
                }

                if (parameters["_meta"] is not JsonObject meta)
                {
                    meta = [];
                    parameters["_meta"] = meta;
                }

                meta[UpstreamCallRelay.MetaKey] = relay.RequestId;
                if (!isRequest)
                {
                    relay.Seen();
                }

                return "data: " + message.ToJsonString();
            }
            catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
            {
                return line;
            }
        }
    }
}
