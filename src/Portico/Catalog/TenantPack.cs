using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using ModelContextProtocol.Protocol;
using Portico.Access;
using Portico.Storage;

namespace Portico.Catalog;

/// <summary>A tool of a <see cref="TenantPack{TEntity, TConfiguration}"/>: it gets the call's tenant's rows and nothing else.</summary>
internal delegate ValueTask<CallToolResult> TenantToolHandler<TEntity>(ToolInvocation invocation, TenantData<TEntity> data, CancellationToken cancellationToken)
    where TEntity : class, ITenantOwned;

/// <summary>One tool of a tenant pack: the MCP tool (its schema without <c>tenantId</c>: the pack adds it), the handler and its policy.</summary>
internal sealed record TenantTool<TEntity>(Tool Tool, TenantToolHandler<TEntity> Handler)
    where TEntity : class, ITenantOwned
{
    public string? RequiredScope { get; init; }

    public bool Write { get; init; }

    public Tier MinimumTier { get; init; }

    public IReadOnlyList<JsonObject> Examples { get; init; } = [];
}

/// <summary>
/// A pack whose tools work on one table of tenant-owned rows. The pack supplies the tools; this class supplies the rest:
/// the table (its entity configuration and migrations are registered by <c>AddMcpPack</c>), the optional <c>tenantId</c>
/// argument on every tool, the tenant requirement (the pipeline resolves the tenant and checks membership before the
/// handler runs), and a <see cref="TenantData{TEntity}"/> bound to that tenant per call. A new pack is this class, its
/// tools, its entity and its configuration, registered with one line: <c>services.AddMcpPack&lt;MyPack&gt;()</c>.
/// </summary>
internal abstract partial class TenantPack<TEntity, TConfiguration>(IServiceScopeFactory scopes) : IMcpPack
    where TEntity : class, ITenantOwned
    where TConfiguration : IEntityTypeConfiguration<TEntity>, new()
{
    public abstract string Name { get; }

    protected abstract IEnumerable<TenantTool<TEntity>> Tools { get; }

    /// <summary>
    /// New packs name their tools in snake_case (<c>add_note</c>), as most MCP servers do. Packs that predate the rule keep
    /// the names their clients already call (the records pack's kebab-case) by overriding this.
    /// </summary>
    protected virtual bool KeepsLegacyToolNames => false;

    public static void AddServices(IServiceCollection services) => services.AddStoreEntity(new TConfiguration());

    public void Register(CatalogBuilder catalog)
    {
        foreach (var tool in Tools)
        {
            if (!KeepsLegacyToolNames && !SnakeCase().IsMatch(tool.Tool.Name))
            {
                throw new InvalidOperationException($"Tool '{tool.Tool.Name}' of pack '{Name}': name a new pack's tools in snake_case (e.g. 'add_note').");
            }

            catalog.AddTool(new ToolDefinition
            {
                Tool = TenantArgument.AddTo(tool.Tool),
                Handler = Bind(tool.Handler),
                Owner = catalog.CurrentOwner,
                RequiredScope = tool.RequiredScope,
                Write = tool.Write,
                MinimumTier = tool.MinimumTier,
                NeedsTenant = true,
                Examples = tool.Examples,
            });
        }
    }

    /// <summary>Opens a store scope per call and hands the handler the rows of the tenant the pipeline resolved.</summary>
    private ToolHandler Bind(TenantToolHandler<TEntity> handler) => async (invocation, cancellationToken) =>
    {
        var tenant = invocation.Tenant.Tenant
            ?? throw new InvalidOperationException("A tenant tool ran without a resolved tenant: the pipeline resolves one for NeedsTenant tools.");
        await using var scope = scopes.CreateAsyncScope();
        return await handler(invocation, new TenantData<TEntity>(scope.ServiceProvider.GetRequiredService<PorticoDbContext>(), tenant.TenantId), cancellationToken);
    };

    [GeneratedRegex("^[a-z][a-z0-9]*(_[a-z0-9]+)*$")]
    private static partial Regex SnakeCase();
}
