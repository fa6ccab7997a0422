namespace Portico.Catalog;

/// <summary>
/// One tool of a toolset: a catalog tool (<see cref="Tool"/>, the name <c>/mcp</c> lists it under: a native pack's, an
/// upstream's <c>prefix__tool</c>, a connector's <c>connector__operation</c>) and what the toolset shows instead of its
/// name, title and description, when set.
/// </summary>
internal sealed class ToolsetEntry
{
    public required string Tool { get; init; }

    public string? Name { get; init; }

    public string? Title { get; init; }

    public string? Description { get; init; }

    /// <summary>The name clients of the toolset see and call.</summary>
    public string ExposedName => Name ?? Tool;
}
