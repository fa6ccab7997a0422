using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Portico.Tests.Gateway;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Integrations;

/// <summary>
/// A tool that needs an integration: refused with INTEGRATION_NOT_CONFIGURED and the portal link until a tenant owner
/// stores the secret, then working at the next call on every instance, and refused again once cleared.
/// </summary>
public sealed class IntegrationTests
{
    private const string Secret = "tp_live_4f9a1c";

    private static JsonObject Charge(string? tenantId = null)
    {
        var arguments = new JsonObject { ["amount"] = 5 };
        if (tenantId is not null)
        {
            arguments["tenantId"] = tenantId;
        }

        return arguments;
    }

    [Fact]
    public async Task A_tool_is_refused_with_the_portal_link_until_the_secret_is_stored_then_works_on_every_instance_until_cleared()
    {
        await using var service = await FakeHttpHost.StartAsync(context => context.Response.WriteAsync("ok"));
        await using var instances = await TwoInstances.StartAsync(services: IntegrationTestServices.Pack(service.Url("/charges")));
        using var owner = CredentialUser.Owner(instances.A);
        using var ownerOnB = owner.On(instances.B);
        var tenant = instances.A.TenantId;
        var path = $"/admin/api/tenants/{tenant}/integrations/{IntegrationTestPack.Payments}";

        // Not configured: the exact envelope, with the link on the server the client reached.
        var refused = await owner.CallWithAsync("charge_test_payment", Charge());
        Assert.True((bool)refused["isError"]!);
        var error = refused["structuredContent"]!["error"]!;
        var link = $"{instances.A.BaseAddress.ToString().TrimEnd('/')}/portal/tenants/{tenant}/integrations";
        Assert.Equal("INTEGRATION_NOT_CONFIGURED", (string?)error["code"]);
        Assert.Equal("No Test Payments integration is configured for tenant 'Test team'.", (string?)error["message"]);
        Assert.Equal($"A tenant owner or admin connects it in the portal: {link} — paste the secret and save; the next call works.", (string?)error["hint"]);
        Assert.Equal(IntegrationTestPack.Payments, (string?)error["details"]!["integration"]);
        Assert.Equal(link, (string?)error["details"]!["link"]);
        Assert.Contains(link, CredentialUser.Text(refused), StringComparison.Ordinal);
        // B answers the same (and now holds the miss in its cache, which the change must drop).
        Assert.Equal("INTEGRATION_NOT_CONFIGURED", CredentialUser.ErrorCode(await ownerOnB.CallWithAsync("charge_test_payment", Charge())));

        // The tool stays listed; what explains tools says what it needs.
        Assert.Contains("charge_test_payment", await owner.ToolNamesAsync());
        var explained = (await owner.CallAsync("list_available_tools"))["structuredContent"]!["unavailable"]!.AsArray();
        Assert.Contains(explained, t => (string?)t!["name"] == "charge_test_payment" && (string?)t["reason"] == "INTEGRATION_NOT_CONFIGURED"
            && ((string?)t["hint"])!.Contains(link, StringComparison.Ordinal));
        var details = (await owner.CallWithAsync("get_tool_details", new JsonObject { ["name"] = "charge_test_payment" }))["structuredContent"]!;
        Assert.Equal(IntegrationTestPack.Payments, (string?)details["integration"]);
        Assert.False((bool)details["available"]!);
        Assert.Equal("INTEGRATION_NOT_CONFIGURED", (string?)details["unavailableReason"]!["code"]);
        // Refusals are audited, and nothing reached the service.
        await Eventually.AssertAsync(async () => await TestStores.ScalarAsync(instances.A.Settings.Store,
            "SELECT COUNT(*) FROM audit_records WHERE tool = 'charge_test_payment' AND error_code = 'INTEGRATION_NOT_CONFIGURED'") >= 2, "both refusals audited");
        Assert.Empty(service.Requests);

        // Stored through A's admin API: the next call on A works and the service saw the secret as the bearer token.
        using var set = await owner.PutSecretAsync(path, Secret);
        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        var stored = JsonNode.Parse(await set.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!;
        Assert.True((bool)stored["configured"]!);
        Assert.Equal("charged: 200", CredentialUser.Text(await owner.CallWithAsync("charge_test_payment", Charge())));
        Assert.Contains(service.Requests, r => r.Headers.TryGetValue("Authorization", out var value) && value == $"Bearer {Secret}");

        // On B, as soon as the change reaches it.
        await Eventually.AssertAsync(async () => CredentialUser.ErrorCode(await ownerOnB.CallWithAsync("charge_test_payment", Charge())) is null,
            "the stored secret used on the other instance");
        Assert.Equal(2, service.Requests.Count(r => r.Headers.TryGetValue("Authorization", out var value) && value == $"Bearer {Secret}"));

        // Cleared: refused again at once on A, and on B once the change arrives; a second clear finds nothing.
        using var cleared = await owner.DeleteAsync(path);
        Assert.Equal(HttpStatusCode.NoContent, cleared.StatusCode);
        Assert.Equal("INTEGRATION_NOT_CONFIGURED", CredentialUser.ErrorCode(await owner.CallWithAsync("charge_test_payment", Charge())));
        await Eventually.AssertAsync(async () => CredentialUser.ErrorCode(await ownerOnB.CallWithAsync("charge_test_payment", Charge())) == "INTEGRATION_NOT_CONFIGURED",
            "the cleared secret refused on the other instance");
        using var again = await owner.DeleteAsync(path);
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
    }

    [Fact]
    public async Task A_handler_reads_only_the_integration_its_tool_declared()
    {
        await using var service = await FakeHttpHost.StartAsync(context => context.Response.WriteAsync("ok"));
        await using var server = await PorticoTestServer.StartAsync(services: IntegrationTestServices.Pack(service.Url("/charges")));
        using var owner = CredentialUser.Owner(server);
        var integrations = $"/admin/api/tenants/{server.TenantId}/integrations";
        using var payments = await owner.PutSecretAsync($"{integrations}/{IntegrationTestPack.Payments}", Secret);
        using var mail = await owner.PutSecretAsync($"{integrations}/{IntegrationTestPack.Mail}", "mail-token");
        Assert.Equal(HttpStatusCode.OK, payments.StatusCode);
        Assert.Equal(HttpStatusCode.OK, mail.StatusCode);

        // Declares payments, reads mail: a server fault for the operator, never the other secret.
        var peek = await owner.CallWithAsync("peek_other_integration", Charge());
        Assert.Equal("INTERNAL_ERROR", CredentialUser.ErrorCode(peek));
        Assert.Empty(service.Requests);
    }

    [Fact]
    public async Task A_secret_cleared_after_the_check_gets_the_same_answer_as_the_check()
    {
        await using var service = await FakeHttpHost.StartAsync(context => context.Response.WriteAsync("ok"));
        await using var server = await PorticoTestServer.StartAsync(services: IntegrationTestServices.Pack(service.Url("/charges")));
        using var owner = CredentialUser.Owner(server);
        using (var set = await owner.PutSecretAsync($"/admin/api/tenants/{server.TenantId}/integrations/{IntegrationTestPack.Payments}", Secret))
        {
            Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        }

        var raced = await owner.CallWithAsync("charge_after_clear", Charge());
        var error = raced["structuredContent"]!["error"]!;
        Assert.Equal("INTEGRATION_NOT_CONFIGURED", (string?)error["code"]);
        Assert.Equal("No Test Payments integration is configured for tenant 'Test team'.", (string?)error["message"]);
        Assert.Contains($"/portal/tenants/{server.TenantId}/integrations", (string?)error["hint"], StringComparison.Ordinal);
        Assert.Empty(service.Requests);
    }
}
