using ModelContextProtocol.Protocol;

namespace Portico.Catalog;

/// <summary>
/// The tools an MCP endpoint serves, by the names its clients use: <c>/mcp</c> the whole catalog, <c>/vendors/{name}/mcp</c>
/// one upstream's tools under their own names, <c>/toolsets/{name}/mcp</c> the toolset's tools under its overrides. Every
/// place that turns a called name into a tool (the pipeline, tasks, header checks, the scope challenge) asks here.
/// </summary>
internal static class CallTools
{
    public static bool TryFind(McpCatalog catalog, McpCallContext call, string name, out ToolDefinition tool)
        => TryFind(catalog, call.Vendor, call.Toolset, name, out tool);

    public static bool TryFind(McpCatalog catalog, string? vendor, ToolsetView? toolset, string name, out ToolDefinition tool)
        => toolset is not null ? toolset.TryGetTool(catalog, name, out tool)
            : vendor is not null ? catalog.TryGetVendorTool(vendor, name, out tool)
            : catalog.TryGetTool(name, out tool);

    /// <summary>Every tool the endpoint serves (before any gate), with the <see cref="Tool"/> its <c>tools/list</c> shows.</summary>
    public static IEnumerable<(ToolDefinition Definition, Tool Listed)> List(McpCatalog catalog, McpCallContext call)
        => call.Toolset is { } toolset ? toolset.Tools(catalog)
            : call.Vendor is { } vendor ? catalog.VendorTools(vendor).Select(t => (t, t.UpstreamTool!))
            : catalog.Tools.Select(t => (t, t.Tool));
}
