using Portico.Catalog;

namespace Portico.Gateway;

/// <summary>
/// An upstream's tools as this instance serves them: <see cref="Served"/> under their catalog names (null until the
/// upstream was first listed) and those it refused to serve, with why.
/// </summary>
internal sealed record UpstreamTools(IReadOnlyList<ToolDefinition>? Served, IReadOnlyList<UnavailableTool> Refused);
