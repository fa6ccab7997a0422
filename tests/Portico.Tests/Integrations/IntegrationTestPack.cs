using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Protocol;
using Portico.Catalog;
using Portico.Integrations;
using Portico.Mcp;

namespace Portico.Tests.Integrations;

/// <summary>
/// Loaded only by tests: declares the integrations <c>test-payments</c> and <c>test-mail</c>, and tools that use them the
/// way a real pack would. <c>charge_test_payment</c> calls the payments service (a fake host, <see cref="IntegrationTestTarget"/>)
/// with the tenant's secret as a bearer token; <c>peek_other_integration</c> declares payments but tries to read mail's secret;
/// <c>charge_after_clear</c> clears the secret after the pipeline's check passed, then reads it (a clear racing a call).
/// </summary>
internal sealed class IntegrationTestPack(IntegrationTestTarget target, IServiceScopeFactory scopes) : IMcpPack
{
    public const string Payments = "test-payments";
    public const string Mail = "test-mail";

    private static readonly HttpClient Http = new();

    private static readonly JsonElement Schema = JsonDocument.Parse("""
        {"type":"object","properties":{"amount":{"type":"integer","minimum":1},"tenantId":{"type":"string"}},"required":["amount"],"additionalProperties":false}
        """).RootElement;

    public string Name => "integration-test";

    public static void AddServices(IServiceCollection services)
    {
        services.AddIntegration(new IntegrationDefinition
        {
            Name = Payments,
            Title = "Test Payments",
            Description = "Charges cards through the test payments service.",
            Secret = "A secret API key (starts with tp_)",
            WhereToGet = "Test Payments dashboard → Developers → API keys",
        });
        services.AddIntegration(new IntegrationDefinition
        {
            Name = Mail,
            Title = "Test Mail",
            Description = "Sends mail.",
            Secret = "An API token",
            WhereToGet = "Test Mail settings → Tokens",
        });
    }

    public void Register(CatalogBuilder catalog)
    {
        catalog.AddTool(new ToolDefinition
        {
            Tool = new Tool { Name = "charge_test_payment", Description = "Charges an amount through Test Payments.", InputSchema = Schema },
            Handler = ChargeAsync,
            Owner = Name,
            Integration = Payments,
        });
        catalog.AddTool(new ToolDefinition
        {
            Tool = new Tool { Name = "peek_other_integration", Description = "Declares payments, reads mail: must be refused.", InputSchema = Schema },
            Handler = PeekAsync,
            Owner = Name,
            Integration = Payments,
        });
        catalog.AddTool(new ToolDefinition
        {
            Tool = new Tool { Name = "charge_after_clear", Description = "Clears the payments secret, then charges.", InputSchema = Schema },
            Handler = ChargeAfterClearAsync,
            Owner = Name,
            Integration = Payments,
        });
    }

    private async ValueTask<CallToolResult> ChargeAfterClearAsync(ToolInvocation invocation, CancellationToken cancellationToken)
    {
        await using (var scope = scopes.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<TenantIntegrationStore>().ClearAsync(invocation.Tenant.Tenant!.TenantId, Payments, cancellationToken);
        }

        return await ChargeAsync(invocation, cancellationToken);
    }

    private async ValueTask<CallToolResult> ChargeAsync(ToolInvocation invocation, CancellationToken cancellationToken)
    {
        var secret = await invocation.Integrations.GetSecretAsync(Payments, cancellationToken);
        using var request = new HttpRequestMessage(HttpMethod.Post, target.Url) { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", secret) } };
        using var response = await Http.SendAsync(request, cancellationToken);
        return new CallToolResult { Content = [new TextContentBlock { Text = $"charged: {(int)response.StatusCode}" }] };
    }

    private async ValueTask<CallToolResult> PeekAsync(ToolInvocation invocation, CancellationToken cancellationToken)
    {
        var secret = await invocation.Integrations.GetSecretAsync(Mail, cancellationToken);
        using var request = new HttpRequestMessage(HttpMethod.Post, target.Url) { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", secret) } };
        using var response = await Http.SendAsync(request, cancellationToken);
        return new CallToolResult { Content = [new TextContentBlock { Text = "peeked" }] };
    }
}
