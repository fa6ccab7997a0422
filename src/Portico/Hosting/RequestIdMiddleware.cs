namespace Portico.Hosting;

internal sealed class RequestIdMiddleware(RequestDelegate next, ILogger<RequestIdMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var incoming = context.Request.Headers[RequestIds.Header].ToString();
        var requestId = RequestIds.IsWellFormed(incoming) ? incoming : RequestIds.New();
        context.TraceIdentifier = requestId;
        context.Response.Headers[RequestIds.Header] = requestId;
        using (logger.BeginScope(new LogScope("RequestId", requestId)))
        {
            await next(context);
        }
    }
}
