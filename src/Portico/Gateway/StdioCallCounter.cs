using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Portico.Gateway;

/// <summary>
/// What <see cref="UpstreamCallTap"/> does for Streamable HTTP, for stdio upstreams: reads the child's messages in the
/// order it wrote them, before the SDK (which runs notification handlers concurrently) sees them, and counts each
/// progress notification for the call its token names. The call's result then waits until every counted step was
/// relayed, so a step handled late can no longer reach the caller after the result, or not at all.
/// </summary>
internal sealed class StdioCallCounter(IClientTransport inner) : IClientTransport
{
    /// <summary>The calls in flight over counted transports, by Portico's request id (also their progress token upstream).</summary>
    private static readonly ConcurrentDictionary<string, UpstreamCallRelay> Calls = new(StringComparer.Ordinal);

    public string Name => inner.Name;

    public static void Register(UpstreamCallRelay relay) => Calls[relay.RequestId] = relay;

    public static void Unregister(UpstreamCallRelay relay) => Calls.TryRemove(new KeyValuePair<string, UpstreamCallRelay>(relay.RequestId, relay));

    public async Task<ITransport> ConnectAsync(CancellationToken cancellationToken = default)
        => new Counting(await inner.ConnectAsync(cancellationToken));

    private sealed class Counting : ITransport
    {
        private readonly ITransport _inner;
        private readonly Channel<JsonRpcMessage> _messages = Channel.CreateUnbounded<JsonRpcMessage>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        private readonly Task _pump;

        public Counting(ITransport inner)
        {
            _inner = inner;
            _pump = PumpAsync();
        }

        public string? SessionId => _inner.SessionId;

        public ChannelReader<JsonRpcMessage> MessageReader => _messages.Reader;

        public Task SendMessageAsync(JsonRpcMessage message, CancellationToken cancellationToken = default)
        {
            // A call goes out before anything about it comes back: from now on its steps are counted.
            if (message is JsonRpcRequest { Method: RequestMethods.ToolsCall } request && Token(request.Params) is { } token && Calls.TryGetValue(token, out var relay))
            {
                relay.MarkTapped();
            }

            return _inner.SendMessageAsync(message, cancellationToken);
        }

        public async ValueTask DisposeAsync()
        {
            await _inner.DisposeAsync();
            try
            {
                await _pump;
            }
            catch (Exception ex) when (ex is OperationCanceledException or ChannelClosedException)
            {
            }
        }

        private async Task PumpAsync()
        {
            try
            {
                await foreach (var message in _inner.MessageReader.ReadAllAsync())
                {
                    if (message is JsonRpcNotification { Method: NotificationMethods.ProgressNotification } progress
                        && progress.Params?["progressToken"]?.GetValueKind() == System.Text.Json.JsonValueKind.String
                        && Calls.TryGetValue(progress.Params["progressToken"]!.GetValue<string>(), out var relay))
                    {
                        relay.Seen();
                    }

                    await _messages.Writer.WriteAsync(message);
                }

                _messages.Writer.TryComplete();
            }
            catch (Exception ex)
            {
                _messages.Writer.TryComplete(ex);
            }
        }

        private static string? Token(JsonNode? parameters)
            => parameters?["_meta"]?["progressToken"] is JsonValue value && value.TryGetValue<string>(out var token) ? token : null;
    }
}
