using System.Diagnostics;

namespace Portico.Telemetry;

/// <summary>
/// Spans for MCP messages after the OpenTelemetry semantic conventions for MCP: named <c>{mcp.method.name} {target}</c>
/// (the tool or prompt), a server span per message Portico receives and a client span per message it sends upstream.
/// </summary>
internal static class McpSpans
{
    public const string MethodName = "mcp.method.name";
    public const string SessionId = "mcp.session.id";
    public const string ProtocolVersion = "mcp.protocol.version";
    public const string RequestId = "jsonrpc.request.id";
    public const string ToolName = "gen_ai.tool.name";
    public const string PromptName = "gen_ai.prompt.name";
    public const string OperationName = "gen_ai.operation.name";
    public const string ErrorType = "error.type";
    public const string ResponseStatusCode = "rpc.response.status_code";

    /// <summary>Portico's own error code of a tool result (<c>VALIDATION_FAILED</c>, <c>RATE_LIMITED</c>, …); the conventions' <c>error.type</c> says only "tool_error".</summary>
    public const string ToolErrorCode = "portico.error.code";

    /// <summary>The conventions' <c>error.type</c> of a call whose result has <c>isError: true</c>.</summary>
    public const string ToolError = "tool_error";

    /// <summary>Starts the server span of a message received on the MCP endpoint; null when nobody listens.</summary>
    public static Activity? StartServer(string method, string? target, object? requestId, string? sessionId, string? protocolVersion)
    {
        var span = PorticoTelemetry.Source.StartActivity(SpanName(method, target), ActivityKind.Server);
        if (span is null)
        {
            return null;
        }

        Tag(span, method, target, requestId);
        span.SetTag("network.transport", "tcp");
        span.SetTag("network.protocol.name", "http");
        if (!string.IsNullOrEmpty(sessionId))
        {
            span.SetTag(SessionId, sessionId);
        }

        if (!string.IsNullOrEmpty(protocolVersion))
        {
            span.SetTag(ProtocolVersion, protocolVersion);
        }

        return span;
    }

    /// <summary>Starts the client span of a message Portico sends to an upstream MCP server.</summary>
    public static Activity? StartClient(string method, string? target, Uri? server)
    {
        var span = PorticoTelemetry.Source.StartActivity(SpanName(method, target), ActivityKind.Client);
        if (span is null)
        {
            return null;
        }

        Tag(span, method, target, requestId: null);
        if (server is not null)
        {
            span.SetTag("server.address", server.Host);
            span.SetTag("server.port", server.Port);
        }

        return span;
    }

    /// <summary>Marks the current span as the message of session <paramref name="sessionId"/> (known only once the session is found or created).</summary>
    public static void SetSession(string sessionId) => Activity.Current?.SetTag(SessionId, sessionId);

    /// <summary>A tool call whose result is an error: the conventions' type and Portico's code.</summary>
    public static void RecordToolError(Activity? span, string code)
    {
        if (span is null)
        {
            return;
        }

        span.SetTag(ErrorType, ToolError);
        span.SetTag(ToolErrorCode, code);
        span.SetStatus(ActivityStatusCode.Error, code);
    }

    /// <summary>A message answered with a JSON-RPC error: its code is the error type.</summary>
    public static void RecordProtocolError(Activity? span, int code, string? message)
    {
        if (span is null)
        {
            return;
        }

        var text = code.ToString(System.Globalization.CultureInfo.InvariantCulture);
        span.SetTag(ErrorType, text);
        span.SetTag(ResponseStatusCode, text);
        span.SetStatus(ActivityStatusCode.Error, message);
    }

    /// <summary>A stage of the tool-call pipeline passed (or refused the call) on the current span, as a span event.</summary>
    public static void Stage(string name, string? refusedWith = null)
    {
        if (Activity.Current is not { } span || !span.IsAllDataRequested)
        {
            return;
        }

        span.AddEvent(refusedWith is null
            ? new ActivityEvent("portico.policy." + name)
            : new ActivityEvent("portico.policy." + name, tags: new ActivityTagsCollection { [ToolErrorCode] = refusedWith }));
    }

    private static void Tag(Activity span, string method, string? target, object? requestId)
    {
        span.SetTag(MethodName, method);
        if (requestId is not null)
        {
            span.SetTag(RequestId, requestId.ToString());
        }

        if (target is null)
        {
            return;
        }

        if (method == "tools/call")
        {
            span.SetTag(ToolName, target);
            span.SetTag(OperationName, "execute_tool");
        }
        else if (method == "prompts/get")
        {
            span.SetTag(PromptName, target);
        }
    }

    private static string SpanName(string method, string? target) => target is null ? method : $"{method} {target}";
}
