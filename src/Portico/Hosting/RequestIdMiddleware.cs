namespace Portico.Hosting;

/// <summary>
/// Every response names its request id (<see cref="RequestIdContextFactory"/> set it). The id reaches log lines through
/// ASP.NET Core's own request scope (<c>RequestId</c>, <c>RequestPath</c>), so no second scope is added here.
/// </summary>
internal sealed class RequestIdMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        context.Response.Headers[RequestIds.Header] = context.TraceIdentifier;
        return next(context);
    }
}
