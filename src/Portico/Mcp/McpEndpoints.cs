using Portico.Access;
using Portico.Hosting;
using Portico.Policy.RateLimiting;

namespace Portico.Mcp;

/// <summary>
/// The MCP endpoints. Every one is mapped by <see cref="MapMcpEndpoint"/>, so all of them carry the same metadata, and
/// that metadata alone decides what runs: the Host/Origin check and CORS (<see cref="HostOriginMiddleware"/>), the
/// caller policy, the per-credential rate limit, JSON-RPC errors and the canonical resource for token audiences.
/// Any spelling the router accepts (<c>/MCP</c>, <c>/mcp/</c>, …) reaches the same endpoint and so the same checks.
/// </summary>
internal static class McpEndpoints
{
    public static IApplicationBuilder UsePorticoHostOriginCheck(this IApplicationBuilder app) => app.UseMiddleware<HostOriginMiddleware>();

    public static IEndpointRouteBuilder MapPorticoMcp(this IEndpointRouteBuilder endpoints)
    {
        var handler = endpoints.ServiceProvider.GetRequiredService<McpHttpHandler>();
        MapMcpEndpoint(endpoints, McpResources.RootPattern, _ => "/mcp", handler.HandleAsync, "MCP Streamable HTTP");
        MapMcpEndpoint(endpoints, McpResources.TenantPattern, v => $"/{v["tenantId"]}/mcp", handler.HandleAsync, "MCP Streamable HTTP (tenant)");
        return endpoints;
    }

    /// <summary>
    /// Maps the transport at <paramref name="pattern"/> (any credential; each tool's scope is the pipeline's) and, beside
    /// it, the anonymous server metadata that a GET without an event stream asks for (<see cref="McpMetadataMatcherPolicy"/> picks it).
    /// </summary>
    public static void MapMcpEndpoint(IEndpointRouteBuilder endpoints, string pattern, Func<RouteValueDictionary, string> resourcePath,
        RequestDelegate transport, string displayName)
    {
        var conventions = new object[] { new McpEndpointMetadata(resourcePath), HostOriginCheck.Instance };
        endpoints.Map(pattern, transport)
            .WithDisplayName(displayName)
            .WithMetadata(conventions)
            .WithMetadata(CredentialRateLimit.Instance)
            .RequireAuthorization(AccessPolicies.Caller);
        endpoints.MapMethods(pattern, [HttpMethods.Get, HttpMethods.Head], ServeMetadataAsync)
            .WithDisplayName(displayName + " metadata")
            .WithMetadata(conventions)
            .WithMetadata(McpMetadataMatcherPolicy.MetadataEndpoint.Instance)
            .AllowAnonymousListed();
    }

    private static Task ServeMetadataAsync(HttpContext context)
        => McpServerMetadata.WriteAsync(context, context.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<McpOptions>>().Value.DocsUrl);
}
