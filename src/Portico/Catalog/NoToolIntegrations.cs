namespace Portico.Catalog;

/// <summary>What a handler of a tool that declared no integration gets: every read refused, naming the fix.</summary>
internal sealed class NoToolIntegrations(string tool) : IToolIntegrations
{
    public ValueTask<string> GetSecretAsync(string integration, CancellationToken cancellationToken)
        => throw new InvalidOperationException(
            $"Tool '{tool}' reads integration '{integration}' but declares none; set ToolDefinition.Integration = \"{integration}\" so the pipeline checks it first.");
}
