namespace Portico.Telemetry;

/// <summary>
/// The MCP message being served in this async flow, so that code deep inside the SDK's dispatch (the tool-call pipeline)
/// can say which catalog tool it was and how it ended before the endpoint records its duration.
/// </summary>
internal sealed class McpOperation
{
    private static readonly AsyncLocal<McpOperation?> CurrentOperation = new();

    private readonly string _method;
    private readonly long _started = System.Diagnostics.Stopwatch.GetTimestamp();

    private McpOperation(string method) => _method = method;

    public static McpOperation? Current => CurrentOperation.Value;

    /// <summary>The catalog name of the called tool (never the name as the client sent it).</summary>
    public string? ToolName { get; set; }

    /// <summary>The conventions' <c>error.type</c>: <c>tool_error</c>, a JSON-RPC error code, or an HTTP status.</summary>
    public string? ErrorType { get; set; }

    public static McpOperation Begin(string method)
    {
        var operation = new McpOperation(method);
        CurrentOperation.Value = operation;
        return operation;
    }

    /// <summary>Records the operation; an HTTP error status counts as the error when nothing more precise was said.</summary>
    public void End(int statusCode)
    {
        if (ErrorType is null && statusCode >= 400)
        {
            ErrorType = statusCode.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        PorticoMetrics.RecordOperation(_method, ToolName, ErrorType, System.Diagnostics.Stopwatch.GetElapsedTime(_started));
        if (ReferenceEquals(CurrentOperation.Value, this))
        {
            CurrentOperation.Value = null;
        }
    }
}
