namespace Portico.Hosting;

/// <summary>
/// Turns any bodiless error status and any unhandled exception into a JSON body, so a client,
/// a proxy or an operator at 3 a.m. always reads what happened and the request id to search for.
/// </summary>
internal sealed partial class JsonStatusCodeMiddleware(RequestDelegate next, ILogger<JsonStatusCodeMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (Exception ex) when (!context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
        {
            LogUnhandled(logger, ex, context.Request.Method, context.Request.Path.Value);
            context.Response.Clear();
            context.Response.Headers[RequestIds.Header] = context.TraceIdentifier;
            await WriteAsync(context, StatusCodes.Status500InternalServerError);
            return;
        }

        var response = context.Response;
        if (response.StatusCode >= 400 && !response.HasStarted && response.ContentLength is null && string.IsNullOrEmpty(response.ContentType))
        {
            await WriteAsync(context, response.StatusCode);
        }
    }

    private static Task WriteAsync(HttpContext context, int status)
    {
        var (error, message, hint) = status switch
        {
            404 => ("not_found", $"No endpoint at '{context.Request.Path}'.", "The MCP endpoint is /mcp; health is at /health. GET /mcp lists the endpoints."),
            405 => ("method_not_allowed", $"Method {context.Request.Method} is not allowed on '{context.Request.Path}'.", "See the Allow header for the methods this path accepts."),
            500 => ("server_error", "The server failed to process the request.", "Search the server log for this request id."),
            _ => ("error", $"The request failed with status {status}.", null),
        };
        return JsonErrors.WriteForEndpointAsync(context, status, status == 500 ? JsonRpcErrorCodes.InternalError : JsonRpcErrorCodes.InvalidRequest, error, message, hint);
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "Unhandled exception for {Method} {Path}")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, LogValue method, LogValue path);
}
