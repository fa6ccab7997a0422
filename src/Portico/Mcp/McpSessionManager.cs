using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using Portico.Access;
using Portico.Catalog;
using Portico.Storage;
using Portico.Telemetry;

namespace Portico.Mcp;

/// <summary>
/// Owns the sessions this instance serves. Sessions are written to the store when they are
/// initialized, so a session id outlives the process: after a restart (or on another instance)
/// the first request that names it restores it by replaying its <c>initialize</c>.
/// </summary>
internal sealed partial class McpSessionManager : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, LiveSession> _live = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<Task<LiveSession?>>> _restoring = new(StringComparer.Ordinal);
    private readonly McpServerFactory _servers;
    private readonly SseEventStore _events;
    private readonly IServiceScopeFactory _scopes;
    private readonly IOptions<McpOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger<McpSessionManager> _logger;
    private readonly IDisposable _subscription;
    private readonly SessionAuthorizations _authorizations;
    private volatile bool _stopping;

    public McpSessionManager(McpServerFactory servers, SseEventStore events, IServiceScopeFactory scopes, IOptions<McpOptions> options,
        TimeProvider time, AccessDirectory directory, StoreChanges changes, McpCatalog catalog, SessionAuthorizations authorizations,
        ILogger<McpSessionManager> logger)
    {
        _authorizations = authorizations;
        _servers = servers;
        _events = events;
        _scopes = scopes;
        _options = options;
        _time = time;
        _logger = logger;
        directory.Invalidated += OnAccessChanged;
        _subscription = changes.Subscribe(McpTopics.Sessions, OnSessionChanged);
        catalog.Changed += () => NotifyAll(NotificationMethods.ToolListChangedNotification);
        catalog.PromptsChanged += () => NotifyAll(NotificationMethods.PromptListChangedNotification);
        catalog.ResourcesChanged += () => NotifyAll(NotificationMethods.ResourceListChangedNotification);
    }


    public int LiveCount => _live.Count;

    /// <summary>Set when the host stops: open GET streams were ended and new ones end at once.</summary>
    public bool IsStopping => _stopping;

    /// <summary>
    /// Ends every open GET stream with an SSE <c>retry:</c> hint, so a graceful shutdown does not wait its whole
    /// timeout for clients that would hold their standalone stream open forever; they reconnect elsewhere.
    /// </summary>
    public async Task EndStreamsAsync()
    {
        _stopping = true;
        await Task.WhenAll(_live.Values.Select(EndStreamAsync));
    }

    public async Task EndStreamAsync(LiveSession session)
    {
        // A client that stopped reading must not hold the shutdown: the farewell gets a moment, then the response ends anyway.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await session.Standalone.EndAsync(McpHttpMessages.ReconnectHint(_options.Value.ReconnectInterval), timeout.Token);
    }

    private void NotifyAll(string method)
    {
        foreach (var session in _live.Values)
        {
            _ = session.NotifyAsync(method);
        }
    }

    /// <summary>The session if this instance serves it now (no restore).</summary>
    public bool TryGetLive(string id, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out LiveSession session) => _live.TryGetValue(id, out session);

    /// <summary>Starts a session for an <c>initialize</c> request; it is persisted once the SDK accepts the handshake.</summary>
    public LiveSession Create(string ownerId)
    {
        var id = McpProtocol.NewSessionId();
        var session = Start(id, ownerId, persistOnInitialize: true);
        _live[id] = session;
        PorticoMetrics.SessionOpened();
        LogCreated(_logger, id, ownerId);
        return session;
    }

    /// <summary>The live session, restored from the store if this instance has not seen it; null when unknown, closed or expired.</summary>
    public async ValueTask<LiveSession?> FindAsync(string id, CancellationToken cancellationToken)
    {
        if (_live.TryGetValue(id, out var live) && !live.IsDisposed)
        {
            if (live.LastSeen >= _time.GetUtcNow() - _options.Value.SessionIdleTimeout)
            {
                return live;
            }

            // Expired while nobody swept yet: it is gone here and, by the same rule, in the store.
            await EvictAsync(live);
            return null;
        }

        var restore = _restoring.GetOrAdd(id, key => new Lazy<Task<LiveSession?>>(() => RestoreAsync(key, CancellationToken.None)));
        try
        {
            return await restore.Value.WaitAsync(cancellationToken);
        }
        finally
        {
            _restoring.TryRemove(new KeyValuePair<string, Lazy<Task<LiveSession?>>>(id, restore));
        }
    }

    /// <summary>Records activity; the store hears about it at most once a minute per session.</summary>
    public async ValueTask TouchAsync(LiveSession session, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        session.Touch(now);
        if (now - session.LastPersistedSeen < TimeSpan.FromMinutes(1))
        {
            return;
        }

        session.LastPersistedSeen = now;
        await using var scope = _scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
        await db.Set<SessionRecord>().Where(s => s.Id == session.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.LastSeenAt, now), cancellationToken);
    }

    /// <summary>
    /// Another instance changed a session this instance also holds (active group, or ended it):
    /// re-read it, so no instance serves a stale copy.
    /// </summary>
    private void OnSessionChanged(string sessionId)
    {
        if (_live.TryGetValue(sessionId, out var session))
        {
            _ = RefreshAsync(session);
        }
    }

    private async Task RefreshAsync(LiveSession session)
    {
        try
        {
            using var background = StoreMetrics.Background();
            await using var scope = _scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
            var record = await db.Set<SessionRecord>().AsNoTracking().FirstOrDefaultAsync(s => s.Id == session.Id);
            if (record is null || record.ClosedAt is not null)
            {
                await EvictAsync(session);
                return;
            }

            var authorization = await _authorizations.LoadAsync(session.Id, CancellationToken.None);
            if (session.ActiveTenantId != record.ActiveTenantId || session.Authorization?.GrantId != authorization?.GrantId)
            {
                session.ActiveTenantId = record.ActiveTenantId;
                session.Authorization = authorization;
                await session.NotifyToolsChangedAsync();
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogRefreshFailed(_logger, session.Id, ex);
        }
    }

    private void OnAccessChanged(StoreTopic topic, string subject)
    {
        foreach (var session in _live.Values)
        {
            // A plan change (tenant) can show or hide tools for any member; members re-list, others ignore it.
            var affected = topic == AccessTopics.Key ? session.LastCredentialId == subject
                : topic == AccessTopics.User ? session.OwnerId == subject
                : topic == AccessTopics.Tenant;
            if (affected)
            {
                _ = session.NotifyToolsChangedAsync();
            }
        }
    }

    /// <summary>Ends a session for good (DELETE): it is closed in the store so no instance restores it.</summary>
    public async Task CloseAsync(LiveSession session, CancellationToken cancellationToken)
    {
        await MarkClosedAsync(session.Id, cancellationToken);
        await EvictAsync(session);
        LogClosed(_logger, session.Id);
    }

    /// <summary>
    /// Ends a session by id the way its client's DELETE does, wherever it is served: closed in the store (the change reaches
    /// every instance holding it, which drops it) and dropped here. Its id then answers 404 everywhere. False when it was
    /// not open.
    /// </summary>
    public async Task<bool> EndAsync(string sessionId, CancellationToken cancellationToken)
    {
        var ended = await MarkClosedAsync(sessionId, cancellationToken) > 0;
        if (_live.TryGetValue(sessionId, out var session))
        {
            await EvictAsync(session);
        }

        if (ended)
        {
            LogEnded(_logger, sessionId);
        }

        return ended;
    }

    private async Task<int> MarkClosedAsync(string sessionId, CancellationToken cancellationToken)
    {
        await using var scope = _scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
        var now = _time.GetUtcNow();
        return await db.ExecuteRecordedAsync(
            token => db.Set<SessionRecord>().Where(s => s.Id == sessionId && s.ClosedAt == null).ExecuteUpdateAsync(s => s.SetProperty(r => r.ClosedAt, now), token),
            McpTopics.Sessions, [sessionId], cancellationToken);
    }

    /// <summary>Drops idle sessions from memory and expires them in the store.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var cutoff = _time.GetUtcNow() - _options.Value.SessionIdleTimeout;
        var evicted = 0;
        foreach (var session in _live.Values)
        {
            if (session.LastSeen < cutoff)
            {
                await EvictAsync(session);
                evicted++;
            }
        }

        await using var scope = _scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
        var deleted = await db.Set<SessionRecord>().Where(s => s.LastSeenAt < cutoff || s.ClosedAt != null && s.ClosedAt < cutoff)
            .ExecuteDeleteAsync(cancellationToken);
        await SessionAuthorizations.ForgetEndedAsync(db, _time.GetUtcNow(), cancellationToken);
        if (evicted + deleted > 0)
        {
            LogSwept(_logger, evicted, deleted);
        }

        return evicted;
    }

    public async ValueTask DisposeAsync()
    {
        _subscription.Dispose();
        foreach (var session in _live.Values)
        {
            await EvictAsync(session);
        }
    }

    private async ValueTask EvictAsync(LiveSession session)
    {
        if (_live.TryRemove(new KeyValuePair<string, LiveSession>(session.Id, session)))
        {
            PorticoMetrics.SessionClosed();
        }
        _events.RemoveSession(session.Id);
        await session.DisposeAsync();
    }

    private LiveSession Start(string id, string ownerId, bool persistOnInitialize)
    {
        var transport = new StreamableHttpServerTransport(_servers.LoggerFactory)
        {
            SessionId = id,
            EventStreamStore = _events,
            // Each request's execution context flows into its handlers (the SDK's default for ASP.NET Core): the
            // message's span is their parent and its request id their log scope, not those of the request that started the session.
            FlowExecutionContextFromRequests = true,
            OnSessionInitialized = persistOnInitialize
                ? (initialize, cancellationToken) => PersistAsync(id, ownerId, initialize, cancellationToken)
                : null,
        };
        return new LiveSession(id, ownerId, transport, _servers.Create, _time.GetUtcNow());
    }

    private async Task<LiveSession?> RestoreAsync(string id, CancellationToken cancellationToken)
    {
        SessionRecord? record;
        await using (var scope = _scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
            var cutoff = _time.GetUtcNow() - _options.Value.SessionIdleTimeout;
            record = await db.Set<SessionRecord>().AsNoTracking()
                .FirstOrDefaultAsync(s => s.Id == id && s.ClosedAt == null && s.LastSeenAt >= cutoff, cancellationToken);
        }

        if (record is null)
        {
            return null;
        }

        var session = Start(record.Id, record.OwnerId, persistOnInitialize: false);
        try
        {
            // Replaying the handshake puts the SDK server in the state the client left it in:
            // negotiated version, client info and capabilities.
            var initialize = new JsonRpcRequest
            {
                Id = new RequestId("portico-restore"),
                Method = RequestMethods.Initialize,
                Params = JsonNode.Parse(record.InitializeParams),
            };
            await session.Transport.HandlePostRequestAsync(initialize, Stream.Null, cancellationToken);
            await session.Transport.HandlePostRequestAsync(
                new JsonRpcNotification { Method = NotificationMethods.InitializedNotification }, Stream.Null, cancellationToken);
        }
        catch
        {
            await session.DisposeAsync();
            throw;
        }

        session.LastPersistedSeen = record.LastSeenAt;
        session.ActiveTenantId = record.ActiveTenantId;
        session.Authorization = await _authorizations.LoadAsync(id, cancellationToken);
        var live = _live.GetOrAdd(id, session);
        if (!ReferenceEquals(live, session))
        {
            await session.DisposeAsync();
        }
        else
        {
            PorticoMetrics.SessionOpened();
        }

        LogRestored(_logger, id, record.ProtocolVersion);
        return live;
    }

    private async ValueTask PersistAsync(string id, string ownerId, InitializeRequestParams initialize, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        await using var scope = _scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
        db.Set<SessionRecord>().Add(new SessionRecord
        {
            Id = id,
            OwnerId = ownerId,
            ProtocolVersion = McpProtocol.IsSupported(initialize.ProtocolVersion) ? initialize.ProtocolVersion : "2025-11-25",
            InitializeParams = JsonSerializer.Serialize(initialize, McpJson.Options.GetTypeInfo(typeof(InitializeRequestParams))),
            ClientName = initialize.ClientInfo?.Name,
            ClientVersion = initialize.ClientInfo?.Version,
            CreatedAt = now,
            LastSeenAt = now,
        });
        await db.SaveChangesAsync(cancellationToken);
        await EnforceSessionCapAsync(db, id, ownerId, now, cancellationToken);
    }

    /// <summary>
    /// Keeps at most <see cref="McpOptions.MaxSessionsPerPrincipal"/> open sessions per principal, counted in
    /// the store (so across instances): beyond that, the ones idle longest are closed like a DELETE, and
    /// their ids answer 404 everywhere. Without it every initialize costs memory and a row until the idle
    /// timeout, however many a client opens.
    /// </summary>
    private async Task EnforceSessionCapAsync(PorticoDbContext db, string newId, string ownerId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var cap = _options.Value.MaxSessionsPerPrincipal;
        var cutoff = now - _options.Value.SessionIdleTimeout;
        // Trimmed at every initialize, so this is at most the cap plus the initializes running right now.
        var open = await db.Set<SessionRecord>().AsNoTracking()
            .Where(s => s.OwnerId == ownerId && s.ClosedAt == null && s.LastSeenAt >= cutoff && s.Id != newId)
            .Select(s => new { s.Id, s.LastSeenAt, s.CreatedAt })
            .ToListAsync(cancellationToken);
        if (open.Count < cap)
        {
            return;
        }

        // The store hears of activity once a minute; this instance's own sessions know it to the request.
        var victims = open
            .Select(s => (s.Id, LastSeen: _live.TryGetValue(s.Id, out var live) && live.LastSeen > s.LastSeenAt ? live.LastSeen : s.LastSeenAt, s.CreatedAt))
            .OrderByDescending(s => s.LastSeen).ThenByDescending(s => s.CreatedAt).ThenBy(s => s.Id, StringComparer.Ordinal)
            .Skip(Math.Max(cap - 1, 0))
            .Select(s => s.Id)
            .ToList();
        await db.ExecuteRecordedAsync(token => db.Set<SessionRecord>().Where(s => victims.Contains(s.Id)).ExecuteUpdateAsync(s => s.SetProperty(r => r.ClosedAt, now), token),
            McpTopics.Sessions, victims, cancellationToken);
        foreach (var victim in victims)
        {
            if (_live.TryGetValue(victim, out var session))
            {
                await EvictAsync(session);
            }

            LogCapEvicted(_logger, victim, ownerId, cap);
        }
    }

    [LoggerMessage(EventId = 200, Level = LogLevel.Information, Message = "Session {SessionId} created for {OwnerId}")]
    private static partial void LogCreated(ILogger logger, string sessionId, string ownerId);

    [LoggerMessage(EventId = 201, Level = LogLevel.Information, Message = "Session {SessionId} restored from the store (protocol {ProtocolVersion})")]
    private static partial void LogRestored(ILogger logger, string sessionId, string protocolVersion);

    [LoggerMessage(EventId = 202, Level = LogLevel.Information, Message = "Session {SessionId} closed by the client")]
    private static partial void LogClosed(ILogger logger, string sessionId);

    [LoggerMessage(EventId = 208, Level = LogLevel.Information, Message = "Session {SessionId} ended from the portal")]
    private static partial void LogEnded(ILogger logger, string sessionId);

    [LoggerMessage(EventId = 204, Level = LogLevel.Debug, Message = "Could not notify session {SessionId}: {Reason}")]
    private static partial void LogNotifyFailed(ILogger logger, string sessionId, string reason);

    [LoggerMessage(EventId = 205, Level = LogLevel.Warning, Message = "Refreshing session {SessionId} after a change elsewhere failed")]
    private static partial void LogRefreshFailed(ILogger logger, string sessionId, Exception exception);

    [LoggerMessage(EventId = 207, Level = LogLevel.Information, Message = "Session {SessionId} of {OwnerId} closed: the principal opened more than {Cap} sessions and this one was idle longest")]
    private static partial void LogCapEvicted(ILogger logger, string sessionId, string ownerId, int cap);

    [LoggerMessage(EventId = 203, Level = LogLevel.Information, Message = "Swept idle sessions: {Evicted} left memory, {Deleted} expired in the store")]
    private static partial void LogSwept(ILogger logger, int evicted, int deleted);
}
