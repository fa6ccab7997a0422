namespace Portico.Toolsets;

/// <summary>A toolset (table <c>toolsets</c>): a curated endpoint <c>/toolsets/{name}/mcp</c> over the catalog.</summary>
internal sealed class ToolsetRecord
{
    public required string Name { get; set; }

    public string? Title { get; set; }

    public string? Description { get; set; }

    /// <summary>The owning tenant; null for a global toolset (the operator's).</summary>
    public string? TenantId { get; set; }

    /// <summary>The tools and their overrides, as a JSON array of <see cref="Catalog.ToolsetEntry"/> (one row, so one change, per save).</summary>
    public required string Entries { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public string? UpdatedBy { get; set; }
}
