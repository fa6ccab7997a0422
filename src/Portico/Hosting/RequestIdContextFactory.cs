using Microsoft.AspNetCore.Http.Features;

namespace Portico.Hosting;

/// <summary>
/// Gives each request its Portico request id (the client's or proxy's well-formed <c>X-Request-Id</c>, else a new one)
/// the moment its context is made: ASP.NET Core's hosting log scope copies <see cref="HttpContext.TraceIdentifier"/>
/// before any middleware runs, so setting it later left a second, different <c>RequestId</c> on every line.
/// The cost is the default factory's context pooling, which a request-per-call MCP server barely uses.
/// </summary>
internal sealed class RequestIdContextFactory(IServiceProvider services) : IHttpContextFactory
{
    private readonly DefaultHttpContextFactory _inner = new(services);

    public HttpContext Create(IFeatureCollection featureCollection)
    {
        var context = _inner.Create(featureCollection);
        var incoming = context.Request.Headers[RequestIds.Header].ToString();
        context.TraceIdentifier = RequestIds.IsWellFormed(incoming) ? incoming : RequestIds.New();
        return context;
    }

    public void Dispose(HttpContext httpContext) => _inner.Dispose(httpContext);
}
