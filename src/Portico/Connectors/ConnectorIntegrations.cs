using Portico.Integrations;

namespace Portico.Connectors;

/// <summary>The stored connectors' integrations, read once (the CLI's <c>portico integrations</c>, which runs without a server).</summary>
internal sealed class ConnectorIntegrations(IReadOnlyList<IntegrationDefinition> integrations) : IIntegrationSource
{
    public IReadOnlyList<IntegrationDefinition> Integrations { get; } = integrations;

    public static ConnectorIntegrations From(IEnumerable<ConnectorRecord> records)
        => new([.. records.Select(ConnectorDefinition.FromRecord).Select(c => c.Integration).OfType<IntegrationDefinition>()]);
}
