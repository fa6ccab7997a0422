using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using Portico.Access;
using Portico.Catalog;
using Portico.Hosting;
using Portico.Identity;
using Portico.Telemetry;

namespace Portico.Mcp;

/// <summary>
/// The Streamable HTTP transport on <c>/mcp</c>: POST carries client messages (answered as SSE),
/// GET opens the session's standalone stream or resumes one, DELETE ends the session.
/// Every refusal is a JSON-RPC error with a hint.
/// </summary>
internal sealed partial class McpHttpHandler(
    McpSessionManager sessions,
    SessionRequestRelay relay,
    McpServerFactory servers,
    SseEventStore events,
    SessionAuthorizations authorizations,
    McpCatalog catalog,
    Policy.ToolCallPipeline pipeline,
    IdentityUrls urls,
    IOptions<McpOptions> options,
    ILogger<McpHttpHandler> logger)
{
    private const string AllowedMethods = "GET, POST, DELETE, OPTIONS";

    public Task HandleAsync(HttpContext context) => context.Request.Method switch
    {
        "POST" => PostAsync(context),
        "GET" or "HEAD" => GetAsync(context),
        "DELETE" => DeleteAsync(context),
        _ => MethodNotAllowedAsync(context),
    };

    private async Task PostAsync(HttpContext context)
    {
        var request = context.Request;
        if (!McpHttpMessages.AcceptsBoth(request))
        {
            await JsonErrors.WriteJsonRpcAsync(context, StatusCodes.Status406NotAcceptable, JsonRpcErrorCodes.InvalidRequest,
                "Not Acceptable: the Accept header must list both application/json and text/event-stream.",
                "Send 'Accept: application/json, text/event-stream' with every POST.");
            return;
        }

        if (!McpHttpMessages.IsJsonContent(request.ContentType))
        {
            await JsonErrors.WriteJsonRpcAsync(context, StatusCodes.Status415UnsupportedMediaType, JsonRpcErrorCodes.InvalidRequest,
                $"Unsupported Media Type: expected 'application/json', got '{(string.IsNullOrEmpty(request.ContentType) ? "none" : request.ContentType)}'.",
                "Send the JSON-RPC message with 'Content-Type: application/json'.");
            return;
        }

        var maxBytes = options.Value.MaxRequestBodyBytes;
        var (body, length, tooLarge) = await JsonRpcRequestReader.ReadBodyAsync(request, maxBytes, context.RequestAborted);
        if (tooLarge)
        {
            await JsonErrors.WriteJsonRpcAsync(context, StatusCodes.Status413PayloadTooLarge, JsonRpcErrorCodes.InvalidRequest,
                $"Payload Too Large: the body exceeds {maxBytes} bytes.",
                "Send large content through a transfer instead of inline, or raise Portico:Mcp:MaxRequestBodyBytes.",
                json => json.WriteNumber("maxBytes", maxBytes));
            return;
        }

        JsonRpcReadResult parsed;
        try
        {
            parsed = JsonRpcRequestReader.Parse(body.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(body!);
        }

        if (parsed.Message is not { } message)
        {
            await JsonErrors.WriteJsonRpcAsync(context, StatusCodes.Status400BadRequest, parsed.ErrorCode!.Value, parsed.ErrorMessage!, parsed.Hint, id: parsed.Id);
            return;
        }

        var protocolVersion = request.Headers[McpProtocol.ProtocolVersionHeader].ToString();
        using var span = parsed.Method is { } method
            ? McpSpans.StartServer(method, SpanTarget(message), parsed.Id, request.Headers[McpProtocol.SessionIdHeader].ToString(), protocolVersion)
            : null;
        var operation = parsed.Method is { } name ? McpOperation.Begin(name) : null;
        try
        {
            await ServeMessageAsync(context, message, parsed, protocolVersion);
        }
        finally
        {
            operation?.End(context.Response.StatusCode);
        }
    }

    private async Task ServeMessageAsync(HttpContext context, JsonRpcMessage message, JsonRpcReadResult parsed, string protocolVersion)
    {
        var request = context.Request;
        if (protocolVersion.Length > 0 && !McpProtocol.IsSupported(protocolVersion))
        {
            await McpHttpMessages.UnsupportedVersionAsync(context, protocolVersion, message, parsed.Id);
            return;
        }

        if (StatelessRequestCheck.Applies(protocolVersion, message) && StatelessRequestCheck.Find(request, message, protocolVersion, catalog) is { } refusal)
        {
            LogRefusedRequest(logger, parsed.Method, refusal.Code, refusal.Message);
            await refusal.WriteAsync(context, parsed.Id);
            return;
        }

        var principal = context.GetPrincipal();
        var isInitialize = parsed.Method == RequestMethods.Initialize;
        var sessionId = request.Headers[McpProtocol.SessionIdHeader].ToString();
        if (sessionId.Length == 0)
        {
            if (isInitialize)
            {
                var created = sessions.Create(principal.Id);
                await DispatchAsync(context, created, message, parsed, principal);
                return;
            }

            if (McpProtocol.IsStateless(protocolVersion) || parsed.Method == "server/discover" || McpHttpMessages.DeclaresStatelessRevision(message))
            {
                await DispatchStatelessAsync(context, message, protocolVersion, principal, parsed.Id);
                return;
            }

            await JsonErrors.WriteJsonRpcAsync(context, StatusCodes.Status400BadRequest, JsonRpcErrorCodes.InvalidRequest,
                "Bad Request: the Mcp-Session-Id header is required.",
                "Send 'initialize' first and repeat the Mcp-Session-Id response header on every later request.", id: parsed.Id);
            return;
        }

        if (isInitialize)
        {
            await JsonErrors.WriteJsonRpcAsync(context, StatusCodes.Status400BadRequest, JsonRpcErrorCodes.InvalidRequest,
                "Invalid Request: this session is already initialized.",
                "Send 'initialize' without an Mcp-Session-Id header to start a new session.", id: parsed.Id);
            return;
        }

        var session = await FindSessionAsync(context, sessionId, principal, parsed.Id);
        if (session is not null)
        {
            await DispatchAsync(context, session, message, parsed, principal);
        }
    }

    private async Task GetAsync(HttpContext context)
    {
        // A GET that does not ask for an event stream was routed to the public metadata endpoint (McpMetadataMatcherPolicy).
        var principal = context.GetPrincipal();
        var sessionId = context.Request.Headers[McpProtocol.SessionIdHeader].ToString();
        if (sessionId.Length == 0)
        {
            await JsonErrors.WriteJsonRpcAsync(context, StatusCodes.Status400BadRequest, JsonRpcErrorCodes.InvalidRequest,
                "Bad Request: the Mcp-Session-Id header is required to open a stream.",
                "Initialize a session with POST first, then GET with its Mcp-Session-Id header.");
            return;
        }

        var session = await FindSessionAsync(context, sessionId, principal, id: null);
        if (session is null)
        {
            return;
        }

        var lastEventId = context.Request.Headers[McpProtocol.LastEventIdHeader].ToString();
        // An event this process cannot resume (from before a restart, from another instance, no longer kept, or
        // another session's) gets a fresh standalone stream rather than a refusal: the client's notifications
        // keep flowing, and requests whose responses it lost are re-sent by it as after any lost stream.
        var resumed = lastEventId.Length > 0 && events.FindReader(lastEventId) is { } reader && reader.SessionId == session.Id ? reader : null;

        using var scope = BeginSessionScope(session.Id);
        await sessions.TouchAsync(session, context.RequestAborted);
        if (resumed is not null && resumed.StreamId != StreamableHttpServerTransport.UnsolicitedMessageStreamId)
        {
            McpHttpMessages.StartEventStream(context);
            // The next event may be far off (the call is still running): send the headers now so the
            // client knows its resumption was accepted.
            await context.Response.Body.FlushAsync(context.RequestAborted);
            await SseWriter.WriteAsync(context.Response.Body, resumed.ReadEventsAsync(follow: true, context.RequestAborted), context.RequestAborted);
            return;
        }

        if (!session.Standalone.TryAttach(context.Response.Body, replace: lastEventId.Length > 0, context.RequestAborted, out var detached))
        {
            await JsonErrors.WriteJsonRpcAsync(context, StatusCodes.Status409Conflict, JsonRpcErrorCodes.InvalidRequest,
                "Conflict: this session already has an open GET stream.",
                "Keep one GET /mcp stream per session; close the other one first, or reconnect with Last-Event-ID to replace it.");
            return;
        }

        McpHttpMessages.StartEventStream(context);
        await context.Response.Body.FlushAsync(context.RequestAborted);
        if (resumed is not null)
        {
            await SseWriter.WriteAsync(context.Response.Body, resumed.ReadEventsAsync(follow: false, context.RequestAborted), context.RequestAborted);
        }

        session.EnsureStandaloneStarted();
        if (sessions.IsStopping)
        {
            // Attached after the shutdown ended the open streams: end this one too, with the same hint.
            await sessions.EndStreamAsync(session);
        }

        try
        {
            await detached;
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task DeleteAsync(HttpContext context)
    {
        var sessionId = context.Request.Headers[McpProtocol.SessionIdHeader].ToString();
        if (sessionId.Length == 0)
        {
            await JsonErrors.WriteJsonRpcAsync(context, StatusCodes.Status400BadRequest, JsonRpcErrorCodes.InvalidRequest,
                "Bad Request: the Mcp-Session-Id header is required to end a session.",
                "Send DELETE /mcp with the Mcp-Session-Id of the session to end.");
            return;
        }

        var principal = context.GetPrincipal();
        var session = await FindSessionAsync(context, sessionId, principal, id: null);
        if (session is null)
        {
            return;
        }

        await sessions.CloseAsync(session, context.RequestAborted);
        context.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    private static Task MethodNotAllowedAsync(HttpContext context)
    {
        context.Response.Headers.Allow = AllowedMethods;
        return JsonErrors.WriteJsonRpcAsync(context, StatusCodes.Status405MethodNotAllowed, JsonRpcErrorCodes.InvalidRequest,
            $"Method Not Allowed: {context.Request.Method} is not supported on the MCP endpoint.",
            $"Use one of: {AllowedMethods}.");
    }

    private async ValueTask<LiveSession?> FindSessionAsync(HttpContext context, string sessionId, Principal principal, object? id)
    {
        if (!McpProtocol.IsPlausibleSessionId(sessionId))
        {
            await JsonErrors.WriteJsonRpcAsync(context, StatusCodes.Status400BadRequest, JsonRpcErrorCodes.InvalidRequest,
                $"Bad Request: the Mcp-Session-Id header is malformed (session ids are 1 to {McpProtocol.MaxSessionIdLength} visible ASCII characters).",
                "Send the Mcp-Session-Id exactly as the server returned it, or initialize a new session.", id: id);
            return null;
        }

        var session = await sessions.FindAsync(sessionId, context.RequestAborted);
        if (session is null)
        {
            await JsonErrors.WriteJsonRpcAsync(context, StatusCodes.Status404NotFound, JsonRpcErrorCodes.SessionNotFound,
                "Session not found",
                "The session expired or was ended. Send 'initialize' without an Mcp-Session-Id header to start a new one.", id: id);
            return null;
        }

        if (session.OwnerId != principal.Id)
        {
            LogForeignSession(logger, sessionId, principal.Id);
            await JsonErrors.WriteJsonRpcAsync(context, StatusCodes.Status403Forbidden, JsonRpcErrorCodes.Unauthorized,
                "Forbidden: this session belongs to another principal.",
                "Use the credentials that created the session, or initialize a new session with yours.", id: id);
            return null;
        }

        context.Response.Headers[McpProtocol.SessionIdHeader] = session.Id;
        return session;
    }

    private async Task DispatchAsync(HttpContext context, LiveSession session, JsonRpcMessage message, JsonRpcReadResult parsed, Principal principal)
    {
        context.Response.Headers[McpProtocol.SessionIdHeader] = session.Id;
        using var scope = BeginSessionScope(session.Id);
        McpSpans.SetSession(session.Id);
        if (parsed.Method != RequestMethods.Initialize)
        {
            // The session's version was negotiated by initialize (replayed on restore); a supported
            // header value that differs is tolerated, as clients in the wild send their own default.
            await sessions.TouchAsync(session, context.RequestAborted);
        }

        session.LastCredentialId = principal.CredentialId;
        // The one place a session's own sign-in (authenticate/check_auth_status) replaces the request's credential; ownership was checked above with the credential.
        var caller = await authorizations.CallerAsync(session, principal, context.RequestAborted);
        var callContext = McpCallContext.For(context, session, caller, urls);
        if (ScopeChallenge.Find(message, caller, principal, catalog, context.Features.Get<ToolsetView>()) is { } needsScope)
        {
            pipeline.AuditRefused(callContext, needsScope, Policy.ToolGate.ScopeNotAllowed);
            await ScopeChallenge.WriteAsync(context, urls, needsScope, caller, parsed.Id);
            return;
        }

        callContext.AttachTo(message);
        McpHttpMessages.StartEventStream(context);
        if (message is JsonRpcRequest call)
        {
            var clientCancellation = new CancellationTokenSource();
            callContext.ClientCancelled = clientCancellation.Token;
            var post = session.TrackPost(call.Id, clientCancellation, context.RequestAborted);
            try
            {
                await session.Transport.HandlePostRequestAsync(message, context.Response.Body, post.Token);
            }
            catch (OperationCanceledException) when (post.IsCancellationRequested && !context.RequestAborted.IsCancellationRequested)
            {
                // The client cancelled this request (notifications/cancelled): MCP sends no response, the stream just ends.
            }
            catch (Exception ex) when (session.IsDisposed && ex is OperationCanceledException or ObjectDisposedException or InvalidOperationException)
            {
                // The session ended (DELETE, expiry, or on another instance) while this request was in flight:
                // a clean 404 if nothing was sent yet, else the stream just ends — never a reset connection.
                if (!context.Response.HasStarted)
                {
                    await JsonErrors.WriteJsonRpcAsync(context, StatusCodes.Status404NotFound, JsonRpcErrorCodes.SessionNotFound,
                        "Session not found: it ended while this request was in flight.",
                        "Send 'initialize' without an Mcp-Session-Id header to start a new session, then retry.", id: parsed.Id);
                }
            }
            finally
            {
                session.UntrackPost(call.Id, post);
            }

            return;
        }

        if (message is JsonRpcResponse or JsonRpcError)
        {
            // The answer to a server→client request (sampling, elicitation, roots). Without sticky sessions
            // the request may be waiting on another instance, so every instance holding the session gets it.
            await relay.RelayClientResponseAsync(session, message, context.RequestAborted);
            McpHttpMessages.Accepted(context);
            return;
        }

        var wrote = await session.Transport.HandlePostRequestAsync(message, context.Response.Body, context.RequestAborted);
        if (message is JsonRpcNotification { Method: NotificationMethods.CancelledNotification } cancelled)
        {
            await relay.CancelRequestAsync(session, cancelled, context.RequestAborted);
        }

        if (!wrote)
        {
            McpHttpMessages.Accepted(context);
        }
    }

    private async Task DispatchStatelessAsync(HttpContext context, JsonRpcMessage message, string protocolVersion, Principal principal, object? id)
    {
        var callContext = McpCallContext.For(context, null, principal, urls);
        if (ScopeChallenge.Find(message, principal, principal, catalog, context.Features.Get<ToolsetView>()) is { } needsScope)
        {
            pipeline.AuditRefused(callContext, needsScope, Policy.ToolGate.ScopeNotAllowed);
            await ScopeChallenge.WriteAsync(context, urls, needsScope, principal, id);
            return;
        }

        if (protocolVersion.Length > 0)
        {
            (message.Context ??= new JsonRpcMessageContext()).ProtocolVersion = protocolVersion;
        }

        callContext.AttachTo(message);
        // The request's execution context flows into the handlers: its span is their parent, its log scope theirs.
        var transport = new StreamableHttpServerTransport(servers.LoggerFactory) { Stateless = true, FlowExecutionContextFromRequests = true };
        await using var server = servers.Create(transport, PerRequestLogLevel.For(message));
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        var run = server.RunAsync(stop.Token);
        try
        {
            McpHttpMessages.StartEventStream(context);
            var wrote = await transport.HandlePostRequestAsync(message, context.Response.Body, first =>
            {
                if (first is JsonRpcError { Error.Code: var code } && McpHttpMessages.StatusForStatelessError(code) is { } status)
                {
                    context.Response.StatusCode = status;
                }

                return ValueTask.CompletedTask;
            }, context.RequestAborted);
            if (!wrote)
            {
                McpHttpMessages.Accepted(context);
            }
        }
        finally
        {
            await transport.DisposeAsync();
            await stop.CancelAsync();
            try
            {
                await run;
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    /// <summary>The tool or prompt a message names (the span's low-cardinality target); an implausibly long name is left out.</summary>
    private static string? SpanTarget(JsonRpcMessage message)
        => message is JsonRpcRequest { Method: RequestMethods.ToolsCall or RequestMethods.PromptsGet, Params: System.Text.Json.Nodes.JsonObject parameters }
            && parameters["name"] is System.Text.Json.Nodes.JsonValue name && name.TryGetValue<string>(out var text) && text.Length is > 0 and <= 128
                ? text
                : null;

    private IDisposable? BeginSessionScope(string sessionId) => logger.BeginScope(new LogScope("SessionId", sessionId));

    [LoggerMessage(EventId = 210, Level = LogLevel.Information, Message = "Refused session {SessionId} to {PrincipalId}: it belongs to another principal")]
    private static partial void LogForeignSession(ILogger logger, LogValue sessionId, string principalId);

    [LoggerMessage(EventId = 218, Level = LogLevel.Information, Message = "Refused a {Method} request before serving it ({Code}): {Reason}")]
    private static partial void LogRefusedRequest(ILogger logger, LogValue method, int code, LogValue reason);
}
