namespace Portico.Integrations;

/// <summary>
/// Integrations declared while Portico runs (a connector's security scheme, stored by an operator), beside those packs
/// declare at start-up. The registry reads them at every lookup, so a connector added or removed on any instance is
/// connectable, or not, at once.
/// </summary>
internal interface IIntegrationSource
{
    IReadOnlyList<IntegrationDefinition> Integrations { get; }
}
