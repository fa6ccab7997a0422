namespace Portico.Mcp;

internal static class McpEndpoints
{
    public static IApplicationBuilder UsePorticoHostOriginCheck(this IApplicationBuilder app) => app.UseMiddleware<HostOriginMiddleware>();

    public static IEndpointRouteBuilder MapPorticoMcp(this IEndpointRouteBuilder endpoints)
    {
        var handler = endpoints.ServiceProvider.GetRequiredService<McpHttpHandler>();
        endpoints.Map("/mcp", handler.HandleAsync).WithDisplayName("MCP Streamable HTTP");
        endpoints.Map("/{tenantId:regex(^[0-9a-f]{{24}}$)}/mcp", handler.HandleAsync).WithDisplayName("MCP Streamable HTTP (tenant)");
        return endpoints;
    }
}
