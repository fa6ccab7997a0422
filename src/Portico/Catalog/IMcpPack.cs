namespace Portico.Catalog;

/// <summary>
/// A set of native tools (and resources, prompts, completions) that registers itself into the
/// one catalog the MCP endpoint serves. Register a pack with <c>services.AddMcpPack&lt;T&gt;()</c>.
/// </summary>
internal interface IMcpPack
{
    string Name { get; }

    void Register(CatalogBuilder catalog);

    /// <summary>What the pack needs besides itself (its entities, options, services); <c>AddMcpPack</c> calls it.</summary>
    static virtual void AddServices(IServiceCollection services)
    {
    }
}
