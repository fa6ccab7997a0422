using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Protocol;
using Portico.Access;
using Portico.Catalog;
using Portico.Policy;

namespace Portico.Tests.TestSupport;

/// <summary>Tools with each kind of gate, loaded only by tests: a pro_plus tool, a tenant tool, a write tool.</summary>
internal sealed class GatedTestPack : IMcpPack
{
    private static readonly JsonElement Schema = JsonDocument.Parse("""{"type":"object","properties":{"tenantId":{"type":"string"}}}""").RootElement;

    public string Name => "gated-test";

    public void Register(CatalogBuilder catalog)
    {
        catalog.AddTool(new ToolDefinition
        {
            Tool = new Tool { Name = "premium-report", Description = "pro_plus only", InputSchema = Schema },
            Handler = Echo,
            Owner = Name,
            RequiredScope = Scopes.Read("content"),
            MinimumTier = Tier.ProPlus,
            NeedsTenant = true,
        });
        catalog.AddTool(new ToolDefinition
        {
            Tool = new Tool { Name = "team-note", Description = "needs a tenant", InputSchema = Schema },
            Handler = Echo,
            Owner = Name,
            NeedsTenant = true,
        });
        catalog.AddTool(new ToolDefinition
        {
            Tool = new Tool { Name = "slow", Description = "runs until cancelled", InputSchema = Schema },
            Handler = Slow,
            Owner = Name,
        });
        catalog.AddTool(new ToolDefinition
        {
            Tool = new Tool { Name = "write-other", Description = "another write tool with its own budget", InputSchema = Schema },
            Handler = Echo,
            Owner = Name,
            Write = true,
        });
        catalog.AddTool(new ToolDefinition
        {
            Tool = new Tool { Name = "write-note", Description = "needs records.write", InputSchema = Schema },
            Handler = Echo,
            Owner = Name,
            RequiredScope = Scopes.Write("records"),
            Write = true,
        });
        // A server fault, not a client mistake: reading these must stay -32603 (even when the fault is a JsonException).
        catalog.AddResource(new Resource { Uri = "test://broken", Name = "broken" },
            (_, _) => throw new InvalidOperationException("the backing store is gone"));
        catalog.AddResource(new Resource { Uri = "test://broken-json", Name = "broken-json" },
            (_, _) => throw new JsonException("the backing document is corrupt"));
    }

    private int _slowRunning;

    /// <summary>How many <c>slow</c> calls are running now, so a test cancels one that has started.</summary>
    public int SlowRunning => Volatile.Read(ref _slowRunning);

    public static GatedTestPack Of(IServiceProvider services) => services.GetServices<IMcpPack>().OfType<GatedTestPack>().Single();

    /// <summary>Runs until cancelled (by its timeout or the client).</summary>
    private async ValueTask<CallToolResult> Slow(ToolInvocation invocation, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _slowRunning);
        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
            return new CallToolResult();
        }
        finally
        {
            Interlocked.Decrement(ref _slowRunning);
        }
    }

    /// <summary>Answers with the tenant the pipeline resolved, so tests see which one was used.</summary>
    private static ValueTask<CallToolResult> Echo(ToolInvocation invocation, CancellationToken cancellationToken)
        => ValueTask.FromResult(new CallToolResult
        {
            Content = [new TextContentBlock { Text = invocation.Tenant.Tenant?.TenantId ?? "none" }],
        });
}
