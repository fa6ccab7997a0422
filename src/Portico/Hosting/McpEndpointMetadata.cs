namespace Portico.Hosting;

/// <summary>
/// Marks an MCP endpoint: its errors are JSON-RPC objects, and tokens presented to it must be issued for the resource
/// it serves, spelled canonically from the route values (so <c>/MCP</c> and <c>/mcp/</c> are the resource <c>/mcp</c>).
/// </summary>
internal sealed class McpEndpointMetadata(Func<RouteValueDictionary, string> resourcePath)
{
    public string ResourcePath(HttpContext context) => resourcePath(context.Request.RouteValues);

    public static McpEndpointMetadata? Of(HttpContext context) => context.GetEndpoint()?.Metadata.GetMetadata<McpEndpointMetadata>();
}
