using System.Text.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol.Protocol;
using Portico.Catalog;
using Portico.Storage;

namespace Portico.Mcp;

/// <summary>
/// Without sticky sessions, the POST that answers or cancels a request may reach another instance than
/// the one holding that request. Two messages therefore travel through the store change log to every
/// instance serving the session: a client's answer to a server→client request (sampling, elicitation,
/// roots) — the SDK of the instance that asked matches it by id, the others drop it as unknown — and a
/// <c>notifications/cancelled</c> for a request not running here, which the instance running it applies.
/// </summary>
internal sealed partial class SessionRequestRelay
{
    /// <summary>The change-log topic of a client's answer to a server→client request.</summary>
    public const string ClientResponseTopic = "client-response";

    /// <summary>The change-log topic of a cancellation for a request that may be running on another instance.</summary>
    public const string CancelledTopic = "request-cancelled";

    private readonly McpSessionManager _sessions;
    private readonly IServiceScopeFactory _scopes;
    private readonly StoreChanges _changes;
    private readonly ILogger<SessionRequestRelay> _logger;

    public SessionRequestRelay(McpSessionManager sessions, IServiceScopeFactory scopes, StoreChanges changes, ILogger<SessionRequestRelay> logger)
    {
        _sessions = sessions;
        _scopes = scopes;
        _changes = changes;
        _logger = logger;
        changes.Changed += (topic, subject) =>
        {
            if (topic is ClientResponseTopic or CancelledTopic)
            {
                _ = DeliverAsync(topic, subject);
            }
        };
    }

    /// <summary>Hands a client's answer to every instance holding the session (this one at once).</summary>
    public Task RelayClientResponseAsync(LiveSession session, JsonRpcMessage message, CancellationToken cancellationToken)
        => PublishAsync(ClientResponseTopic, session, JsonSerializer.Serialize(message, McpJson.Options.GetTypeInfo(typeof(JsonRpcMessage))), cancellationToken);

    /// <summary>
    /// The client cancelled one of its requests (the SDK here has been told already): ends its POST when
    /// it runs here, else tells the instance that runs it.
    /// </summary>
    public async Task CancelRequestAsync(LiveSession session, JsonRpcNotification notification, CancellationToken cancellationToken)
    {
        if (RequestIdOf(notification.Params) is not { } id || session.EndCancelledPost(id))
        {
            return;
        }

        await PublishAsync(CancelledTopic, session, notification.Params!.ToJsonString(), cancellationToken);
    }

    private async Task PublishAsync(string topic, LiveSession session, string json, CancellationToken cancellationToken)
    {
        await using var scope = _scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
        var change = _changes.Record(db, topic, session.Id + " " + json);
        await db.SaveChangesAsync(cancellationToken);
        _changes.Raise(change);
    }

    private async Task DeliverAsync(string topic, string subject)
    {
        try
        {
            var space = subject.IndexOf(' ', StringComparison.Ordinal);
            if (space < 0 || !_sessions.TryGetLive(subject[..space], out var session))
            {
                return;
            }

            var json = subject.AsSpan(space + 1);
            if (topic == ClientResponseTopic)
            {
                if (JsonSerializer.Deserialize(json, McpJson.Options.GetTypeInfo(typeof(JsonRpcMessage))) is JsonRpcMessage message)
                {
                    await session.Transport.HandlePostRequestAsync(message, Stream.Null, CancellationToken.None);
                }

                return;
            }

            if (JsonNode.Parse(json.ToString()) is JsonObject parameters && RequestIdOf(parameters) is { } id && session.IsRunning(id))
            {
                var notification = new JsonRpcNotification { Method = NotificationMethods.CancelledNotification, Params = parameters };
                await session.Transport.HandlePostRequestAsync(notification, Stream.Null, CancellationToken.None);
                session.EndCancelledPost(id);
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or ObjectDisposedException)
        {
            LogDeliverFailed(_logger, topic, ex);
        }
    }

    private static RequestId? RequestIdOf(JsonNode? parameters)
        => parameters?["requestId"] is JsonValue value && value.GetValueKind() is JsonValueKind.String or JsonValueKind.Number
            ? value.Deserialize<RequestId>(McpJson.Options)
            : null;

    [LoggerMessage(EventId = 206, Level = LogLevel.Warning, Message = "Delivering a relayed {Topic} message to this instance's session failed")]
    private static partial void LogDeliverFailed(ILogger logger, string topic, Exception exception);
}
