namespace Portico.Toolsets;

/// <summary>A toolset as the admin API, the CLI and the portal send it; <see cref="ToolsetAdmin"/> validates every field.</summary>
internal sealed class ToolsetInput
{
    public string? Name { get; set; }

    public string? Title { get; set; }

    public string? Description { get; set; }

    /// <summary>The owning tenant; absent for a global toolset.</summary>
    public string? TenantId { get; set; }

    public List<ToolsetEntryInput>? Tools { get; set; }
}
