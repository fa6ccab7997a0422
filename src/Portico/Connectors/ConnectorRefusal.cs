namespace Portico.Connectors;

/// <summary>An operation a connector does not offer as a tool, and why.</summary>
internal sealed record ConnectorRefusal(string Tool, string Problem);
