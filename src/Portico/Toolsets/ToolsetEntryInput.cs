namespace Portico.Toolsets;

/// <summary>One tool of a <see cref="ToolsetInput"/>: its catalog name and the optional overrides.</summary>
internal sealed class ToolsetEntryInput
{
    public string? Tool { get; set; }

    public string? Name { get; set; }

    public string? Title { get; set; }

    public string? Description { get; set; }
}
