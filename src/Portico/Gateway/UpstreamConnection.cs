// MCP9005: sampling and logging are deprecated by the 2026-07-28 revision, but upstreams speak
// 2025-11-25, where they are how a tool asks its caller; Portico relays them on purpose.
#pragma warning disable MCP9005
using System.Collections.Concurrent;
using System.Net.Http;
using System.Text.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using Portico.Mcp;
using Portico.Policy;

namespace Portico.Gateway;

/// <summary>
/// One pooled client session to an upstream for one credential identity. It reconnects by
/// itself: a session the upstream forgot (HTTP 404 after a restart) or a process that exited is
/// replaced and the request retried once, so a stale upstream session never needs a Portico
/// restart. Requests the upstream sends during a call (sampling, elicitation, logging) are relayed
/// to the client whose call is in flight.
/// </summary>
internal sealed partial class UpstreamConnection(UpstreamDefinition upstream, KeyValuePair<string, string>? credential, UpstreamHttp http, ILoggerFactory loggers, ILogger logger)
    : IAsyncDisposable
{
    // Only waited out when an upstream reported progress without reaching its total; generous,
    // because on a loaded machine the SDK may run the last progress handler well after the result.
    private static readonly TimeSpan ProgressGrace = TimeSpan.FromSeconds(2);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ConcurrentDictionary<long, ToolInvocation> _calls = new();
    private readonly ConcurrentDictionary<string, ProgressRelay> _progress = new(StringComparer.Ordinal);
    private long _nextCall;
    private UpstreamSession? _session;
    private bool _disposed;

    public UpstreamDefinition Upstream { get; } = upstream;

    /// <summary>The upstream said its tool list changed.</summary>
    public event Action? ToolsChanged;

    /// <summary>Runs <paramref name="action"/> on a live session; on a stale one, reconnects and retries once.</summary>
    public async Task<T> RunAsync<T>(Func<McpClient, CancellationToken, Task<T>> action, CancellationToken cancellationToken)
    {
        var session = await GetSessionAsync(cancellationToken);
        try
        {
            return await action(session.Client, cancellationToken);
        }
        catch (Exception ex) when (IsStale(ex, session, cancellationToken))
        {
            LogReconnecting(logger, Upstream.Name, ex.Message);
            await ResetAsync(session);
            session = await GetSessionAsync(cancellationToken);
            return await action(session.Client, cancellationToken);
        }
    }

    /// <summary>
    /// Calls an upstream tool on behalf of <paramref name="invocation"/>, relaying its progress to
    /// the caller. Progress is matched by a token of Portico's own, registered for the whole call
    /// and a short grace after it: the SDK hands notifications to handlers concurrently with the
    /// result, so the last step can arrive just after it.
    /// </summary>
    public async Task<CallToolResult> CallToolAsync(string tool, IDictionary<string, JsonElement>? arguments, ToolInvocation invocation, CancellationToken cancellationToken)
    {
        var id = Interlocked.Increment(ref _nextCall);
        _calls[id] = invocation;
        var token = $"portico-{id}";
        var progress = invocation.ProgressToken is { } clientToken ? new ProgressRelay(invocation.Server, clientToken) : null;
        if (progress is not null)
        {
            _progress[token] = progress;
        }

        try
        {
            var request = new CallToolRequestParams
            {
                Name = tool,
                Arguments = arguments,
                Meta = progress is null ? null : new JsonObject { ["progressToken"] = token },
            };
            // Portico's own request id, so a cancellation can name the request upstream.
            var requestId = new RequestId(token);
            McpClient? sentOn = null;
            try
            {
                return await RunAsync((client, ct) =>
                {
                    sentOn = client;
                    return client.SendRequestAsync<CallToolRequestParams, CallToolResult>(RequestMethods.ToolsCall, request, McpJson.Options, requestId, ct).AsTask();
                }, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && sentOn is not null)
            {
                await CancelUpstreamAsync(sentOn, requestId);
                throw;
            }
        }
        finally
        {
            _calls.TryRemove(id, out _);
            if (progress is not null)
            {
                // Progress goes out before the result, so the client sees every step of its call.
                await progress.DrainAsync(ProgressGrace);
                _progress.TryRemove(token, out _);
            }
        }
    }

    /// <summary>
    /// Tells the upstream that Portico no longer waits for <paramref name="requestId"/> (the caller
    /// cancelled, or the call timed out). Over stdio the SDK client sends this itself; over Streamable
    /// HTTP (SDK 2.3.1) it only aborts the POST, which MCP does not count as a cancellation, so the
    /// upstream would run on. A duplicate notification is harmless: a finished or unknown id is ignored.
    /// </summary>
    private async Task CancelUpstreamAsync(McpClient client, RequestId requestId)
    {
        if (Upstream.Transport != UpstreamDefinition.Http)
        {
            return;
        }

        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await client.SendNotificationAsync(NotificationMethods.CancelledNotification,
                new CancelledNotificationParams { RequestId = requestId, Reason = "The client cancelled the call." }, McpJson.Options, timeout.Token);
            LogCancelled(logger, Upstream.Name, requestId);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Advisory: the call is over for Portico either way.
            LogCancelFailed(logger, ex, Upstream.Name);
        }
    }

    /// <summary>Drops the current session (the next request opens a new one).</summary>
    public async Task ResetAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await CloseAsync();
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _gate.WaitAsync();
        try
        {
            _disposed = true;
            await CloseAsync();
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<UpstreamSession> GetSessionAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_session is { IsClosed: false } live)
            {
                return live;
            }

            await CloseAsync();
            _session = await UpstreamConnector.ConnectAsync(Upstream, credential, Handlers(), http.Upstreams, loggers, cancellationToken);
            LogConnected(logger, Upstream.Name, _session.Client.SessionId ?? "stdio");
            return _session;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task ResetAsync(UpstreamSession stale)
    {
        await _gate.WaitAsync();
        try
        {
            if (ReferenceEquals(_session, stale))
            {
                await CloseAsync();
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task CloseAsync()
    {
        if (_session is { } session)
        {
            _session = null;
            try
            {
                await session.DisposeAsync();
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogCloseFailed(logger, ex, Upstream.Name);
            }
        }
    }

    /// <summary>
    /// A failure that says the session is gone rather than that the request was wrong: the
    /// upstream's own JSON-RPC errors, a refused credential (401) and the caller's cancellation are not retried.
    /// </summary>
    private static bool IsStale(Exception ex, UpstreamSession session, CancellationToken cancellationToken)
        => !cancellationToken.IsCancellationRequested
            && UpstreamUnauthorizedException.Find(ex) is null
            && (ex is McpProtocolException protocol
                ? IsSessionRejection(protocol)
                : session.IsClosed || ex is IOException or HttpRequestException or McpException or ObjectDisposedException);

    /// <summary>
    /// Servers built on the TypeScript SDK's examples answer an unknown session id with HTTP 400 and
    /// a JSON-RPC error ("No valid session ID provided") instead of the 404 the specification asks
    /// for. The request was refused before it ran, so re-initializing and retrying is safe.
    /// </summary>
    private static bool IsSessionRejection(McpProtocolException ex)
        => (int)ex.ErrorCode is -32000 or -32001 or -32600 && ex.Message.Contains("session", StringComparison.OrdinalIgnoreCase);

    private McpClientHandlers Handlers() => new()
    {
        SamplingHandler = async (request, _, cancellationToken) =>
        {
            var server = CurrentCaller("sampling").Server;
            return server.ClientCapabilities?.Sampling is null
                ? throw new McpProtocolException("The client connected to Portico does not support sampling.", McpErrorCode.InvalidRequest)
                : await server.SampleAsync(request!, cancellationToken);
        },
        ElicitationHandler = async (request, cancellationToken) =>
        {
            var server = CurrentCaller("elicitation").Server;
            return server.ClientCapabilities?.Elicitation is null
                ? throw new McpProtocolException("The client connected to Portico does not support elicitation.", McpErrorCode.InvalidRequest)
                : await server.ElicitAsync(request!, cancellationToken);
        },
        NotificationHandlers =
        [
            new(NotificationMethods.LoggingMessageNotification, async (notification, cancellationToken) =>
            {
                if (LatestCall() is { } caller)
                {
                    await caller.Server.SendMessageAsync(new JsonRpcNotification { Method = notification.Method, Params = notification.Params }, cancellationToken);
                }
            }),
            new(NotificationMethods.ProgressNotification, (notification, _) =>
            {
                if (notification.Params?.Deserialize(McpJson.Options.GetTypeInfo(typeof(ProgressNotificationParams))) is ProgressNotificationParams step
                    && step.ProgressToken.Token is string token && _progress.TryGetValue(token, out var relay))
                {
                    relay.Report(step.Progress);
                }

                return ValueTask.CompletedTask;
            }),
            new(NotificationMethods.ToolListChangedNotification, (_, _) =>
            {
                ToolsChanged?.Invoke();
                return ValueTask.CompletedTask;
            }),
        ],
    };

    /// <summary>
    /// The call a server-to-client request belongs to. The upstream sends it on the stream of one
    /// of this connection's calls; the newest call in flight is the one waiting on it.
    /// </summary>
    private ToolInvocation CurrentCaller(string what)
        => LatestCall() ?? throw new McpProtocolException($"Portico relays {what} requests only during a tool call.", McpErrorCode.InvalidRequest);

    private ToolInvocation? LatestCall()
    {
        var latest = -1L;
        ToolInvocation? caller = null;
        foreach (var (id, invocation) in _calls)
        {
            if (id > latest)
            {
                (latest, caller) = (id, invocation);
            }
        }

        return caller;
    }

    [LoggerMessage(EventId = 1200, Level = LogLevel.Information, Message = "Upstream {Upstream}: connected (session {SessionId})")]
    private static partial void LogConnected(ILogger logger, string upstream, string sessionId);

    [LoggerMessage(EventId = 1201, Level = LogLevel.Information, Message = "Upstream {Upstream}: session is stale ({Reason}); re-initializing and retrying once")]
    private static partial void LogReconnecting(ILogger logger, string upstream, string reason);

    [LoggerMessage(EventId = 1203, Level = LogLevel.Information, Message = "Upstream {Upstream}: cancelled request {RequestId}")]
    private static partial void LogCancelled(ILogger logger, string upstream, RequestId requestId);

    [LoggerMessage(EventId = 1204, Level = LogLevel.Debug, Message = "Upstream {Upstream}: sending notifications/cancelled failed")]
    private static partial void LogCancelFailed(ILogger logger, Exception exception, string upstream);

    [LoggerMessage(EventId = 1202, Level = LogLevel.Debug, Message = "Upstream {Upstream}: closing a session failed")]
    private static partial void LogCloseFailed(ILogger logger, Exception exception, string upstream);
}
