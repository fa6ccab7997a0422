using System.Collections.Concurrent;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using Portico.Catalog;

namespace Portico.Mcp;

/// <summary>A session this instance is serving now: the SDK transport and server plus Portico's bookkeeping.</summary>
internal sealed class LiveSession : ICallSession, IAsyncDisposable
{
    private readonly CancellationTokenSource _lifetime = new();
    private readonly Lock _standaloneGate = new();
    private readonly ConcurrentDictionary<RequestId, CancellationTokenSource> _posts = new();
    private readonly ConcurrentDictionary<RequestId, CancellationTokenSource> _clientCancellations = new();
    private readonly ConcurrentDictionary<RequestId, byte> _asked = new();
    private Task? _standalone;
    private long _lastSeenTicks;
    private int _disposed;

    public LiveSession(string id, string ownerId, StreamableHttpServerTransport transport, Func<StreamableHttpServerTransport, McpMessageFilter, McpServer> createServer,
        DateTimeOffset now)
    {
        Id = id;
        OwnerId = ownerId;
        Transport = transport;
        Server = createServer(transport, NoteAsked);
        RunTask = Server.RunAsync(_lifetime.Token);
        LastPersistedSeen = now;
        Touch(now);
    }

    public string Id { get; }

    public string OwnerId { get; }

    public StreamableHttpServerTransport Transport { get; }

    public McpServer Server { get; }

    public Implementation? ClientInfo => Server.ClientInfo;

    public Task RunTask { get; }

    public StandaloneStreamRelay Standalone { get; } = new();

    public DateTimeOffset LastSeen => new(Interlocked.Read(ref _lastSeenTicks), TimeSpan.Zero);

    /// <summary>When <see cref="LastSeen"/> was last written to the store (written lazily, not per request).</summary>
    public DateTimeOffset LastPersistedSeen { get; set; }

    public bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    /// <summary>The group chosen with <c>set-active-group</c> (persisted with the session).</summary>
    public string? ActiveTenantId { get; set; }

    /// <summary>The user's sign-in attached by <c>check_auth_status</c> (see <see cref="SessionAuthorizations"/>); null until then.</summary>
    public SessionAuthorization? Authorization { get; set; }

    /// <summary>The credential of the latest request, so a change to that key reaches this session.</summary>
    public string? LastCredentialId { get; set; }

    public void Touch(DateTimeOffset now) => Interlocked.Exchange(ref _lastSeenTicks, now.UtcTicks);

    /// <summary>
    /// Starts the SDK's standalone stream once, on the first GET; from then on GET responses attach
    /// to <see cref="Standalone"/> and come and go without the SDK noticing.
    /// </summary>
    public void EnsureStandaloneStarted()
    {
        lock (_standaloneGate)
        {
            _standalone ??= Transport.HandleGetRequestAsync(Standalone, _lifetime.Token);
        }
    }

    /// <summary>
    /// Tracks the POST that carries request <paramref name="id"/> on this instance. The SDK sends no
    /// response to a cancelled request, so the POST would wait forever: <see cref="EndCancelledPost"/>
    /// ends it through the returned token.
    /// </summary>
    public CancellationTokenSource TrackPost(RequestId id, CancellationTokenSource clientCancellation, CancellationToken requestAborted)
    {
        var post = CancellationTokenSource.CreateLinkedTokenSource(requestAborted);
        _posts[id] = post;
        _clientCancellations[id] = clientCancellation;
        return post;
    }

    public void UntrackPost(RequestId id, CancellationTokenSource post)
    {
        _posts.TryRemove(new KeyValuePair<RequestId, CancellationTokenSource>(id, post));
        _clientCancellations.TryRemove(id, out _);
        post.Dispose();
    }

    public bool IsRunning(RequestId id) => _posts.ContainsKey(id);

    /// <summary>Whether this instance's server sent request <paramref name="id"/> to the client and awaits its answer.</summary>
    public bool HasAsked(RequestId id) => _asked.ContainsKey(id);

    /// <summary>Takes the answer to request <paramref name="id"/> for this instance; false when it did not ask (or was answered already).</summary>
    public bool TakeAsked(RequestId id) => _asked.TryRemove(id, out _);

    /// <summary>Remembers the server→client requests (sampling, elicitation, roots) sent from here, so their answers are told apart from other instances'.</summary>
    private McpMessageHandler NoteAsked(McpMessageHandler next) => async (context, cancellationToken) =>
    {
        if (context.JsonRpcMessage is JsonRpcRequest request)
        {
            _asked.TryAdd(request.Id, 0);
        }

        await next(context, cancellationToken);
    };

    /// <summary>Ends the POST of a request the client cancelled; false when that request is not running here.</summary>
    public bool EndCancelledPost(RequestId id)
    {
        if (!_posts.TryGetValue(id, out var post))
        {
            return false;
        }

        try
        {
            // The tool's own token too (not disposed with the POST: the handler may outlive it).
            if (_clientCancellations.TryGetValue(id, out var clientCancellation))
            {
                clientCancellation.Cancel();
            }

            post.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // It ended on its own meanwhile.
        }

        return true;
    }

    /// <summary>Sends <c>notifications/tools/list_changed</c> on the standalone stream (best effort: without an open GET stream the SDK drops it).</summary>
    public Task NotifyToolsChangedAsync() => NotifyAsync(NotificationMethods.ToolListChangedNotification);

    /// <summary>Sends a list_changed notification (tools, prompts or resources) on the standalone stream, best effort.</summary>
    public async Task NotifyAsync(string method)
    {
        try
        {
            await Server.SendNotificationAsync(method);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ObjectDisposedException or OperationCanceledException)
        {
            // The session is closing; there is nobody left to tell.
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        Standalone.DetachAll();
        await Transport.DisposeAsync();
        await _lifetime.CancelAsync();
        await Server.DisposeAsync();
        try
        {
            await RunTask;
        }
        catch (OperationCanceledException)
        {
        }

        if (_standalone is not null)
        {
            try
            {
                await _standalone;
            }
            catch (OperationCanceledException)
            {
            }
        }

        _lifetime.Dispose();
        await Standalone.DisposeAsync();
    }
}
