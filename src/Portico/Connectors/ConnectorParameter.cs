namespace Portico.Connectors;

/// <summary>One OpenAPI parameter as a tool argument: the argument's name, and where and under which name the request carries it.</summary>
internal sealed record ConnectorParameter(string Property, string In, string Name);
