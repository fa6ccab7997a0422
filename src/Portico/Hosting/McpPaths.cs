namespace Portico.Hosting;

/// <summary>Which request paths speak MCP (and so get JSON-RPC shaped errors).</summary>
internal static class McpPaths
{
    public static bool IsMcpPath(PathString path)
        => path.Value is { } value && (value == "/mcp" || value.EndsWith("/mcp", StringComparison.Ordinal));
}
