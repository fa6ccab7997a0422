using Portico.Catalog;

namespace Portico.Policy;

/// <summary>The tools a caller can use now, in catalog order, and the hidden ones with their reasons.</summary>
internal sealed record AvailableToolsAnswer(IReadOnlyList<ToolDefinition> Available, IReadOnlyList<UnavailableTool> Unavailable);
