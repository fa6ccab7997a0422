using ModelContextProtocol.Protocol;

namespace Portico.Catalog;

/// <summary>
/// A toolset as a request to <c>/toolsets/{name}/mcp</c> sees it: a filter over the catalog with its overrides. It only
/// narrows and renames; every gate of <c>/mcp</c> (scope, tier, tenant, allowlist) still applies to the real tool.
/// </summary>
internal sealed class ToolsetView
{
    private readonly Dictionary<string, ToolsetEntry> _byExposedName;

    public ToolsetView(string name, string? tenantId, IReadOnlyList<ToolsetEntry> entries)
    {
        Name = name;
        TenantId = tenantId;
        Entries = entries;
        _byExposedName = entries.ToDictionary(e => e.ExposedName, StringComparer.Ordinal);
    }

    public string Name { get; }

    /// <summary>The owning tenant (only its members reach the toolset, and its calls resolve to it); null for a global toolset.</summary>
    public string? TenantId { get; }

    public IReadOnlyList<ToolsetEntry> Entries { get; }

    /// <summary>The catalog name behind <paramref name="exposedName"/>; null when the toolset has no tool of that name.</summary>
    public string? CatalogNameOf(string exposedName) => _byExposedName.TryGetValue(exposedName, out var entry) ? entry.Tool : null;

    /// <summary>The catalog tool the toolset serves as <paramref name="exposedName"/>, if it is in the set and in the catalog now.</summary>
    public bool TryGetTool(McpCatalog catalog, string exposedName, out ToolDefinition tool)
    {
        tool = null!;
        return _byExposedName.TryGetValue(exposedName, out var entry) && catalog.TryGetTool(entry.Tool, out tool);
    }

    /// <summary>The set's tools the catalog has now, in the set's order, each as the toolset shows it.</summary>
    public IEnumerable<(ToolDefinition Definition, Tool Listed)> Tools(McpCatalog catalog)
    {
        foreach (var entry in Entries)
        {
            if (catalog.TryGetTool(entry.Tool, out var tool))
            {
                yield return (tool, entry.Name is null && entry.Title is null && entry.Description is null ? tool.Tool : Present(tool.Tool, entry));
            }
        }
    }

    /// <summary>A copy of the tool under the toolset's overrides; the schemas, annotations and icons stay the tool's.</summary>
    private static Tool Present(Tool tool, ToolsetEntry entry) => new()
    {
        Name = entry.ExposedName,
        Title = entry.Title ?? tool.Title,
        Description = entry.Description ?? tool.Description,
        InputSchema = tool.InputSchema,
        OutputSchema = tool.OutputSchema,
        Annotations = tool.Annotations,
        Icons = tool.Icons,
        Meta = tool.Meta,
    };
}
