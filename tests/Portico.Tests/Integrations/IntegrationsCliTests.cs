using System.CommandLine;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Portico.Cli;
using Portico.Mcp;
using Portico.Tests.Cli;
using Portico.Tests.Gateway;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Integrations;

/// <summary><c>portico integrations set | list | clear</c> against the store of a running server, which takes each change at the next call.</summary>
public sealed class IntegrationsCliTests
{
    private const string Secret = "tp_live_from_the_cli";

    /// <summary>The CLI with the test pack among the packs it reads declarations from, as the server it works beside has.</summary>
    private static async Task<CliResult> RunAsync(string store, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await PorticoCommandLine.Create(services =>
            {
                Program.AddPacks(services, conformance: true);
                services.AddMcpPack<IntegrationTestPack>();
            })
            .Parse([.. args, "--store", store])
            .InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, TestContext.Current.CancellationToken);
        return new CliResult(exitCode, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task The_cli_sets_lists_and_clears_a_secret_that_the_running_server_uses_at_the_next_call()
    {
        await using var service = await FakeHttpHost.StartAsync(context => context.Response.WriteAsync("ok"));
        await using var server = await PorticoTestServer.StartAsync(services: IntegrationTestServices.Pack(service.Url("/charges")));
        using var owner = CredentialUser.Owner(server);
        var store = server.Settings.Store;
        var tenant = server.TenantId;
        var charge = new JsonObject { ["amount"] = 5 };
        Assert.Equal("INTEGRATION_NOT_CONFIGURED", CredentialUser.ErrorCode(await owner.CallWithAsync("charge_test_payment", charge.DeepClone().AsObject())));

        var set = await RunAsync(store, "integrations", "set", "--tenant", tenant, "--name", IntegrationTestPack.Payments, "--secret", Secret, "--json");
        Assert.Equal(0, set.ExitCode);
        Assert.True((bool)JsonNode.Parse(set.Output)!["configured"]!);
        Assert.Equal("cli", (string?)JsonNode.Parse(set.Output)!["updatedBy"]);
        Assert.DoesNotContain(Secret, set.Output, StringComparison.Ordinal);
        // The CLI wrote to the store; the server learns it from the change log.
        await Eventually.AssertAsync(async () => CredentialUser.ErrorCode(await owner.CallWithAsync("charge_test_payment", charge.DeepClone().AsObject())) is null,
            "the secret stored by the CLI used by the server");
        Assert.Contains(service.Requests, r => r.Headers.TryGetValue("Authorization", out var value) && value == $"Bearer {Secret}");

        var list = await RunAsync(store, "integrations", "list", "--tenant", tenant);
        Assert.Equal(0, list.ExitCode);
        Assert.Contains("test-payments", list.Output, StringComparison.Ordinal);
        Assert.Contains("yes", list.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, list.Output, StringComparison.Ordinal);

        var unknown = await RunAsync(store, "integrations", "set", "--tenant", tenant, "--name", "paymentz", "--secret", Secret, "--json");
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("test-payments", (string?)JsonNode.Parse(unknown.Output)!["hint"], StringComparison.Ordinal);
        var twoLines = await RunAsync(store, "integrations", "set", "--tenant", tenant, "--name", IntegrationTestPack.Payments, "--secret", "a\nb", "--json");
        Assert.Equal(2, twoLines.ExitCode);
        Assert.Contains("line break", (string?)JsonNode.Parse(twoLines.Output)!["error"], StringComparison.Ordinal);
        var noTenant = await RunAsync(store, "integrations", "list", "--tenant", "000000000000000000000000", "--json");
        Assert.Equal(2, noTenant.ExitCode);

        var clear = await RunAsync(store, "integrations", "clear", "--tenant", tenant, "--name", IntegrationTestPack.Payments);
        Assert.Equal(0, clear.ExitCode);
        await Eventually.AssertAsync(async () => CredentialUser.ErrorCode(await owner.CallWithAsync("charge_test_payment", charge.DeepClone().AsObject())) == "INTEGRATION_NOT_CONFIGURED",
            "the secret cleared by the CLI refused by the server");
        var clearAgain = await RunAsync(store, "integrations", "clear", "--tenant", tenant, "--name", IntegrationTestPack.Payments);
        Assert.Equal(2, clearAgain.ExitCode);
    }
}
