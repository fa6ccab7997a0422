using Portico.Catalog;
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
using Portico.Hosting;
using Portico.Mcp;
using Portico.Policy;

namespace Portico.Gateway;

/// <summary>
/// One pooled client session to an upstream for one credential identity. It reconnects by
/// itself: a session the upstream forgot (HTTP 404 after a restart) or a process that exited is
/// replaced and the request retried once, so a stale upstream session never needs a Portico
/// restart. What the upstream sends during a call (progress, log messages, sampling and elicitation
/// requests) goes to the caller of that call alone (see <see cref="UpstreamCallRelay"/>), however many
/// callers share the session.
/// </summary>
internal sealed partial class UpstreamConnection(UpstreamDefinition upstream, KeyValuePair<string, string>? credential, UpstreamHttp http, ILoggerFactory loggers, ILogger logger,
    bool newest = false)
    : IAsyncDisposable
{
    // Only waited out when a relayed message is still on its way (or, over stdio, progress did not reach its total);
    // generous, because on a loaded machine the SDK may run the last handler well after the result.
    private static readonly TimeSpan RelayGrace = TimeSpan.FromSeconds(2);

    /// <summary>Where a stateless upstream's own <c>requestState</c> travels inside Portico's sealed one.</summary>
    public const string UpstreamStateKey = "upstream";

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ConcurrentDictionary<string, UpstreamCallRelay> _calls = new(StringComparer.Ordinal);
    private long _nextCall;
    private int _inUse;
    private long _lastUsedTicks;
    private UpstreamSession? _session;
    private bool _disposed;

    public UpstreamDefinition Upstream { get; } = upstream;

    /// <summary>Leases held now (see <see cref="UpstreamClientPool.Rent"/>); a connection in use is never closed for idleness.</summary>
    public int InUse => Volatile.Read(ref _inUse);

    public DateTimeOffset LastUsed => new(Interlocked.Read(ref _lastUsedTicks), TimeSpan.Zero);

    public void Acquire(DateTimeOffset now)
    {
        Interlocked.Increment(ref _inUse);
        Interlocked.Exchange(ref _lastUsedTicks, now.UtcTicks);
    }

    public void Release(DateTimeOffset now)
    {
        Interlocked.Exchange(ref _lastUsedTicks, now.UtcTicks);
        Interlocked.Decrement(ref _inUse);
    }

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
    /// Calls an upstream tool on behalf of <paramref name="invocation"/>. The call gets a request id of
    /// Portico's own (also its progress token upstream), by which everything the upstream sends about it
    /// is matched; the result is returned only after all of that went out to the caller. For a stateless caller
    /// what the upstream asks goes to its <paramref name="round"/>, and a stateless upstream's input-required result is
    /// thrown as <see cref="InputRequired"/> with its <c>requestState</c> under <see cref="UpstreamStateKey"/>;
    /// <paramref name="retry"/> carries the caller's answers and that state back.
    /// </summary>
    public async Task<CallToolResult> CallToolAsync(string tool, IDictionary<string, JsonElement>? arguments, ToolInvocation invocation, UpstreamInputRound? round,
        UpstreamRetry? retry, CancellationToken cancellationToken)
    {
        var token = $"portico-{Interlocked.Increment(ref _nextCall)}";
        var relay = new UpstreamCallRelay(token, invocation) { Round = round, PassInputThrough = round is not null && Upstream.IsStateless };
        _calls[token] = relay;
        StdioCallCounter.Register(relay);
        UpstreamCallRelay.Current = relay;
        try
        {
            var request = new CallToolRequestParams
            {
                Name = tool,
                Arguments = arguments,
                Meta = invocation.ProgressToken is null ? null : new JsonObject { ["progressToken"] = token },
                InputResponses = retry?.Responses,
                RequestState = retry?.RequestState,
            };
            // Portico's own request id, so a cancellation can name the request upstream.
            var requestId = new RequestId(token);
            McpClient? sentOn = null;
            try
            {
                var result = await RunAsync((client, ct) =>
                {
                    sentOn = client;
                    return client.SendRequestAsync<CallToolRequestParams, CallToolResult>(RequestMethods.ToolsCall, request, McpJson.Options, requestId, ct).AsTask();
                }, cancellationToken);
                return relay.PassedInput is { } passed
                    ? throw new InputRequired(passed.InputRequests is { } asked ? new Dictionary<string, InputRequest>(asked, StringComparer.Ordinal) : [],
                        new JsonObject { [UpstreamStateKey] = passed.RequestState })
                    : result;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && sentOn is not null)
            {
                await CancelUpstreamAsync(sentOn, requestId);
                throw;
            }
        }
        finally
        {
            UpstreamCallRelay.Current = null;
            // Progress and log messages go out before the result, so the client sees all of its call.
            await relay.DrainAsync(invocation.ProgressToken is not null, RelayGrace);
            _calls.TryRemove(token, out _);
            StdioCallCounter.Unregister(relay);
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
        if (UpstreamTransport.Find(Upstream.Transport) is not { NeedsExplicitCancellation: true })
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
            // The session's message loop starts here and keeps this flow's values: it must not think it serves the
            // call that happened to connect (requests it handles would go to that caller; see CallerOf).
            UpstreamCallRelay.Current = null;
            _session = await UpstreamConnector.ConnectAsync(Upstream, credential, Handlers(), http.Upstreams, loggers, cancellationToken, newest);
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

    /// <summary>
    /// What the upstream asks during a call (as a server→client request, or — a 2026-07-28 upstream — in an input-required
    /// result the SDK client resolves through these handlers) goes to that call's caller: over its session (2025-xx), or,
    /// for a stateless caller, into its input round, answered by its retry. Only what the caller declared is asked.
    /// </summary>
    private McpClientHandlers Handlers() => new()
    {
        SamplingHandler = async (request, _, cancellationToken) =>
        {
            var relay = CallerOf(request?.Meta, "sampling");
            if (relay.Round is { } round)
            {
                return await round.AskAsync(InputRequest.ForSampling(request!), InputResponse.CreateMessageResultJsonTypeInfo, cancellationToken);
            }

            var server = relay.Invocation.Server;
            return server.ClientCapabilities?.Sampling is null
                ? throw Missing(RequestMethods.SamplingCreateMessage)
                : await server.SampleAsync(request!, cancellationToken);
        },
        ElicitationHandler = async (request, cancellationToken) =>
        {
            var relay = CallerOf(request?.Meta, "elicitation");
            if (relay.Round is { } round)
            {
                return await round.AskAsync(InputRequest.ForElicitation(request!), InputResponse.ElicitResultJsonTypeInfo, cancellationToken);
            }

            var server = relay.Invocation.Server;
            return server.ClientCapabilities?.Elicitation is null
                ? throw Missing(RequestMethods.ElicitationCreate)
                : await server.ElicitAsync(request!, cancellationToken);
        },
        RootsHandler = async (request, cancellationToken) =>
        {
            var relay = CallerOf(request?.Meta, "roots");
            if (relay.Round is { } round)
            {
                return await round.AskAsync(InputRequest.ForRootsList(request ?? new ListRootsRequestParams()), InputResponse.ListRootsResultJsonTypeInfo, cancellationToken);
            }

            var server = relay.Invocation.Server;
            return server.ClientCapabilities?.Roots is null
                ? throw Missing(RequestMethods.RootsList)
                : await server.RequestRootsAsync(request ?? new ListRootsRequestParams(), cancellationToken);
        },
        NotificationHandlers =
        [
            new(NotificationMethods.LoggingMessageNotification, (notification, _) =>
            {
                var parameters = notification.Params?.DeepClone() as JsonObject;
                if (RelayOf(TakeTag(parameters), null) is { } relay)
                {
                    relay.Relay(() => relay.Invocation.Server.SendMessageAsync(new JsonRpcNotification { Method = notification.Method, Params = parameters }, CancellationToken.None));
                }
                else
                {
                    LogUnrelated(logger, Upstream.Name, notification.Method);
                }

                return ValueTask.CompletedTask;
            }),
            new(NotificationMethods.ProgressNotification, (notification, _) =>
            {
                var step = notification.Params?.Deserialize(McpJson.Options.GetTypeInfo(typeof(ProgressNotificationParams))) as ProgressNotificationParams;
                if (RelayOf(TakeTag(notification.Params?.DeepClone() as JsonObject), step?.ProgressToken.Token as string) is not { } relay)
                {
                    return ValueTask.CompletedTask;
                }

                if (step is null || relay.Invocation.ProgressToken is not { } clientToken)
                {
                    relay.Handled();
                    return ValueTask.CompletedTask;
                }

                relay.Relay(() => relay.Invocation.Server.NotifyProgressAsync(clientToken, step.Progress));
                if (step.Progress.Total is { } total && step.Progress.Progress >= total)
                {
                    relay.ProgressReached();
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

    /// <summary>Removes Portico's mark from a message's <c>_meta</c> (the caller never sees it) and returns the call it names.</summary>
    private static string? TakeTag(JsonObject? parameters)
    {
        if (parameters?["_meta"] is not JsonObject meta || meta[UpstreamCallRelay.MetaKey] is not JsonValue value || !value.TryGetValue<string>(out var id))
        {
            return null;
        }

        meta.Remove(UpstreamCallRelay.MetaKey);
        if (meta.Count == 0)
        {
            parameters.Remove("_meta");
        }

        return id;
    }

    /// <summary>
    /// The call a message belongs to: the one it is marked with (Streamable HTTP), else the one its progress
    /// token names, else — over stdio, where nothing says — the only call in flight. With several calls in
    /// flight an unmarked message belongs to none: relaying it to a guessed caller could show one user another's data.
    /// </summary>
    private UpstreamCallRelay? RelayOf(string? tag, string? progressToken)
    {
        if (tag is not null)
        {
            return _calls.GetValueOrDefault(tag);
        }

        if (progressToken is not null)
        {
            return _calls.GetValueOrDefault(progressToken);
        }

        using var calls = _calls.Values.GetEnumerator();
        return calls.MoveNext() && calls.Current is var only && !calls.MoveNext() ? only : null;
    }

    /// <summary>
    /// The refusal of a request the caller cannot answer (it declared no such capability): the upstream gets it as its
    /// request's error (2025-11-25), or — for an input-required result resolved here — the caller gets it (-32021).
    /// </summary>
    public static MissingRequiredClientCapabilityException Missing(string method)
    {
        var (capabilities, name) = method switch
        {
            RequestMethods.SamplingCreateMessage => (new ClientCapabilities { Sampling = new SamplingCapability() }, "sampling"),
            RequestMethods.RootsList => (new ClientCapabilities { Roots = new RootsCapability() }, "roots"),
            _ => (new ClientCapabilities { Elicitation = new ElicitationCapability() }, "elicitation"),
        };
        return new MissingRequiredClientCapabilityException(capabilities,
            $"The upstream asks the client for {method}, but the client connected to Portico declared no '{name}' capability. "
            + "Declare it (in initialize, or in the request's _meta on 2026-07-28) if the client can answer, and call again.");
    }

    /// <summary>
    /// The call a server-to-client request (sampling, elicitation, roots) belongs to: the one it is marked with (Streamable
    /// HTTP), else the one whose flow resolves it (an input-required result of a 2026-07-28 upstream, resolved by the SDK
    /// client inside the call), else the only call in flight (stdio); the upstream is refused when none can be told.
    /// </summary>
    private UpstreamCallRelay CallerOf(JsonObject? meta, string what)
    {
        string? tag = null;
        if (meta?[UpstreamCallRelay.MetaKey] is JsonValue value && value.TryGetValue<string>(out var id))
        {
            tag = id;
            meta.Remove(UpstreamCallRelay.MetaKey);
        }

        if (tag is null && UpstreamCallRelay.Current is { } inline && _calls.TryGetValue(inline.RequestId, out var current) && ReferenceEquals(current, inline))
        {
            return inline;
        }

        return RelayOf(tag, null) ?? throw new McpProtocolException(_calls.IsEmpty
            ? $"Portico relays {what} requests only during a tool call."
            : $"Portico cannot tell which of the calls in flight this {what} request belongs to (this transport does not say), so it relays it to none.",
            McpErrorCode.InvalidRequest);
    }

    [LoggerMessage(EventId = 1200, Level = LogLevel.Information, Message = "Upstream {Upstream}: connected (session {SessionId})")]
    private static partial void LogConnected(ILogger logger, string upstream, LogValue sessionId);

    [LoggerMessage(EventId = 1201, Level = LogLevel.Information, Message = "Upstream {Upstream}: session is stale ({Reason}); re-initializing and retrying once")]
    private static partial void LogReconnecting(ILogger logger, string upstream, LogValue reason);

    [LoggerMessage(EventId = 1203, Level = LogLevel.Information, Message = "Upstream {Upstream}: cancelled request {RequestId}")]
    private static partial void LogCancelled(ILogger logger, string upstream, RequestId requestId);

    [LoggerMessage(EventId = 1204, Level = LogLevel.Debug, Message = "Upstream {Upstream}: sending notifications/cancelled failed")]
    private static partial void LogCancelFailed(ILogger logger, Exception exception, string upstream);

    [LoggerMessage(EventId = 1205, Level = LogLevel.Debug, Message = "Upstream {Upstream}: {Method} belongs to no call Portico can tell; not relayed")]
    private static partial void LogUnrelated(ILogger logger, string upstream, string method);

    [LoggerMessage(EventId = 1202, Level = LogLevel.Debug, Message = "Upstream {Upstream}: closing a session failed")]
    private static partial void LogCloseFailed(ILogger logger, Exception exception, string upstream);
}
