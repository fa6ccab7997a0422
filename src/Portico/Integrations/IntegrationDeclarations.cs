using Portico.Catalog;

namespace Portico.Integrations;

/// <summary>
/// Checks the declarations when the server starts, so a mistake stops it instead of surfacing at a tenant's first call: the
/// registry refuses a name declared twice, and every tool's <see cref="ToolDefinition.Integration"/> must be declared.
/// </summary>
internal sealed class IntegrationDeclarations(IntegrationRegistry registry, McpCatalog catalog) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var undeclared = catalog.Tools.Where(t => t.Integration is { } name && registry.Find(name) is null).ToList();
        if (undeclared.Count > 0)
        {
            throw new InvalidOperationException(
                "Tools need integrations nobody declared: " + string.Join(", ", undeclared.Select(t => $"'{t.Name}' needs '{t.Integration}'"))
                + ". Declare each with services.AddIntegration(new IntegrationDefinition { ... }) where the tools are registered.");
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
