using System.Data.Common;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using ModelContextProtocol.Protocol;
using Portico.Catalog;
using Portico.Storage;

namespace Portico.Mcp;

/// <summary>
/// Without sticky sessions, the POST that answers or cancels a request may reach another instance than
/// the one holding that request. Two messages therefore travel between instances: a client's answer to a
/// server→client request (sampling, elicitation, roots), for the instance whose server asked it, and a
/// <c>notifications/cancelled</c> for a request not running here, for the instance running it. What this
/// instance cannot take itself waits in <c>relayed_answers</c>; its save raises a change (<see cref="McpTopics.RelayedAnswers"/>,
/// pushed by LISTEN/NOTIFY on PostgreSQL) that wakes the instances holding the session, and the one it belongs to
/// deletes the row as it takes it. Rows nobody takes go after <see cref="Expiry"/>.
/// </summary>
internal sealed partial class SessionRequestRelay : IDisposable
{
    public const string Answer = "answer";
    public const string Cancellation = "cancelled";

    /// <summary>An answer not taken within this is nobody's: the request it answers is gone.</summary>
    public static readonly TimeSpan Expiry = TimeSpan.FromMinutes(2);

    private readonly McpSessionManager _sessions;
    private readonly IServiceScopeFactory _scopes;
    private readonly TimeProvider _time;
    private readonly ILogger<SessionRequestRelay> _logger;
    private readonly IDisposable _subscription;

    public SessionRequestRelay(McpSessionManager sessions, IServiceScopeFactory scopes, StoreChanges changes, TimeProvider time, ILogger<SessionRequestRelay> logger)
    {
        _sessions = sessions;
        _scopes = scopes;
        _time = time;
        _logger = logger;
        _subscription = changes.Subscribe(McpTopics.RelayedAnswers, sessionId => _ = TakeAsync(sessionId));
    }

    /// <summary>Hands a client's answer to the instance whose server asked (this one at once).</summary>
    public async Task RelayClientResponseAsync(LiveSession session, JsonRpcMessage message, CancellationToken cancellationToken)
    {
        if (message is not JsonRpcMessageWithId { Id: var id })
        {
            return;
        }

        if (session.TakeAsked(id))
        {
            await session.Transport.HandlePostRequestAsync(message, Stream.Null, CancellationToken.None);
            return;
        }

        await StoreAsync(session, Answer, id, JsonSerializer.Serialize(message, McpJson.Options.GetTypeInfo(typeof(JsonRpcMessage))), cancellationToken);
    }

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

        await StoreAsync(session, Cancellation, id, notification.Params!.ToJsonString(), cancellationToken);
    }

    /// <summary>Deletes what nobody took in time (the sweeper calls this).</summary>
    public async Task<int> PruneAsync(CancellationToken cancellationToken)
    {
        var cutoff = _time.GetUtcNow() - Expiry;
        await using var scope = _scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<PorticoDbContext>().Set<RelayedAnswerRecord>().TagWith(StoreMetrics.BackgroundTag)
            .Where(a => a.CreatedAt < cutoff).ExecuteDeleteAsync(cancellationToken);
    }

    public void Dispose() => _subscription.Dispose();

    private async Task StoreAsync(LiveSession session, string kind, RequestId id, string json, CancellationToken cancellationToken)
    {
        await using var scope = _scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
        db.Set<RelayedAnswerRecord>().Add(new RelayedAnswerRecord
        {
            SessionId = session.Id,
            Kind = kind,
            RequestId = JsonSerializer.Serialize(id, McpJson.Options.GetTypeInfo(typeof(RequestId))),
            Message = json,
            CreatedAt = _time.GetUtcNow(),
        });
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Takes the session's waiting messages that belong to this instance.</summary>
    private async Task TakeAsync(string sessionId)
    {
        if (!_sessions.TryGetLive(sessionId, out var session))
        {
            return;
        }

        try
        {
            using var background = StoreMetrics.Background();
            await using var scope = _scopes.CreateAsyncScope();
            var answers = scope.ServiceProvider.GetRequiredService<PorticoDbContext>().Set<RelayedAnswerRecord>();
            foreach (var waiting in await answers.AsNoTracking().Where(a => a.SessionId == sessionId).OrderBy(a => a.Id).ToListAsync())
            {
                if (JsonSerializer.Deserialize(waiting.RequestId, McpJson.Options.GetTypeInfo(typeof(RequestId))) is not RequestId id
                    || !(waiting.Kind == Answer ? session.HasAsked(id) : session.IsRunning(id))
                    // Of two wake-ups here, or two instances, only the one whose delete took the row delivers it.
                    || await answers.Where(a => a.Id == waiting.Id).ExecuteDeleteAsync() == 0)
                {
                    continue;
                }

                await DeliverAsync(session, waiting, id);
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or ObjectDisposedException or DbException)
        {
            LogTakeFailed(_logger, sessionId, ex);
        }
    }

    private static async Task DeliverAsync(LiveSession session, RelayedAnswerRecord waiting, RequestId id)
    {
        if (waiting.Kind == Answer)
        {
            if (session.TakeAsked(id) && JsonSerializer.Deserialize(waiting.Message, McpJson.Options.GetTypeInfo(typeof(JsonRpcMessage))) is JsonRpcMessage message)
            {
                await session.Transport.HandlePostRequestAsync(message, Stream.Null, CancellationToken.None);
            }

            return;
        }

        if (JsonNode.Parse(waiting.Message) is JsonObject parameters)
        {
            var notification = new JsonRpcNotification { Method = NotificationMethods.CancelledNotification, Params = parameters };
            await session.Transport.HandlePostRequestAsync(notification, Stream.Null, CancellationToken.None);
            session.EndCancelledPost(id);
        }
    }

    private static RequestId? RequestIdOf(JsonNode? parameters)
        => parameters?["requestId"] is JsonValue value && value.GetValueKind() is JsonValueKind.String or JsonValueKind.Number
            ? value.Deserialize<RequestId>(McpJson.Options)
            : null;

    [LoggerMessage(EventId = 206, Level = LogLevel.Warning, Message = "Taking a relayed message for session {SessionId} on this instance failed")]
    private static partial void LogTakeFailed(ILogger logger, string sessionId, Exception exception);
}
