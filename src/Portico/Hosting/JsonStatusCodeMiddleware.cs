using Microsoft.AspNetCore.Antiforgery;

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
        if (response.StatusCode >= 400 && !response.HasStarted && BrowserPage.Marks(context) && response.ContentLength is null or 0)
        {
            await WriteBrowserPageAsync(context);
            return;
        }

        if (response.StatusCode >= 400 && !response.HasStarted && response.ContentLength is null && string.IsNullOrEmpty(response.ContentType))
        {
            await WriteAsync(context, response.StatusCode);
        }
    }

    /// <summary>
    /// A portal endpoint that answered an error without a body — a page that found nothing (404), or a form whose CSRF token
    /// the antiforgery check refused (400, no page rendered) — answers with a page that says so, not JSON or nothing.
    /// </summary>
    private static Task WriteBrowserPageAsync(HttpContext context)
    {
        var response = context.Response;
        response.Headers.ContentLength = null;
        response.ContentType = null;
        var (status, message, hint) = (response.StatusCode, context.Features.Get<IAntiforgeryValidationFeature>()) switch
        {
            (404, _) => (404, $"There is nothing at '{context.Request.Path}'.", "It may have been removed, or the link is mistyped; start again from the overview."),
            (_, { IsValid: false }) => (403, "The form expired or came from another page, so it was not carried out.", "Reload the page and submit the form again."),
            (var other, _) => (other, $"The request failed with status {other}.", "Reload the page and try again; if it fails again, report the request id."),
        };
        return context.RequestServices.GetRequiredService<IBrowserRefusalPage>().WriteAsync(context, status, message, hint);
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
