using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Protocol;
using Portico.Catalog;

namespace Portico.Tests.Policy.Approvals;

/// <summary>
/// Tools for approval tests: <c>transfer_funds</c>, which its pack marks approval-required, and <c>send_note</c>, which
/// only a tenant's rule gates. Both record every run with the arguments they received.
/// </summary>
internal sealed class ApprovalTestPack : IMcpPack
{
    public const string Gated = "transfer_funds";
    public const string Plain = "send_note";

    private static readonly JsonElement Schema = JsonDocument.Parse("""
        {"type":"object","properties":{"to":{"type":"string"},"amount":{"type":"integer"},"memo":{"type":"string"}},"required":["to"]}
        """).RootElement;

    public string Name => "approval-test";

    /// <summary>Every run: the tool and the raw arguments it got.</summary>
    public ConcurrentQueue<(string Tool, string Arguments)> Runs { get; } = new();

    public static ApprovalTestPack Of(IServiceProvider services) => services.GetServices<IMcpPack>().OfType<ApprovalTestPack>().Single();

    public void Register(CatalogBuilder catalog)
    {
        catalog.AddTool(new ToolDefinition
        {
            Tool = new Tool { Name = Gated, Description = "moves money; an owner approves every call", InputSchema = Schema },
            Handler = (invocation, _) => RunAsync(Gated, invocation),
            Owner = Name,
            NeedsTenant = true,
            RequiresApproval = true,
        });
        catalog.AddTool(new ToolDefinition
        {
            Tool = new Tool { Name = Plain, Description = "sends a note", InputSchema = Schema },
            Handler = (invocation, _) => RunAsync(Plain, invocation),
            Owner = Name,
            NeedsTenant = true,
        });
    }

    private ValueTask<CallToolResult> RunAsync(string tool, ToolInvocation invocation)
    {
        Runs.Enqueue((tool, invocation.Arguments.GetRawText()));
        var to = invocation.Arguments.GetProperty("to").GetString();
        return ValueTask.FromResult(new CallToolResult { Content = [new TextContentBlock { Text = $"{tool} ran for {to}" }] });
    }
}
