using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Portico.Access;
using Portico.Gateway;
using Portico.Tests.Cli;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Gateway;

/// <summary>Disabling and enabling an upstream through the admin API and the CLI: its tools leave and come back on running servers, no restart.</summary>
public sealed class UpstreamEnableTests
{
    [Fact]
    public async Task The_admin_api_disables_and_enables_an_upstream_and_only_an_admin_key_may()
    {
        await using var gateway = await GatewayHarness.StartAsync();
        await using var upstream = await CredentialEchoUpstream.StartAsync();
        await gateway.AddAsync(new { name = "echo", url = upstream.Url.ToString() });
        await gateway.WaitUpAsync("echo");
        using var admin = gateway.Server.CreateClient(gateway.AdminKey);
        using var user = gateway.Server.CreateClient();

        using (var refused = await user.PostAsync("/admin/api/upstreams/echo/disable", null, TestContext.Current.CancellationToken))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }

        using (var disabled = await admin.PostAsync("/admin/api/upstreams/echo/disable", null, TestContext.Current.CancellationToken))
        {
            Assert.Equal(HttpStatusCode.OK, disabled.StatusCode);
            Assert.False((bool)JsonNode.Parse(await disabled.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!["enabled"]!);
        }

        await Eventually.AssertAsync(async () => (await gateway.VendorsAsync()).Count == 0, "the disabled upstream to leave /health/vendors");
        Assert.DoesNotContain(gateway.Service<GatewayToolSource>().Tools, t => t.Tool.Name == "echo__whoami");

        using (var enabled = await admin.PostAsync("/admin/api/upstreams/echo/enable", null, TestContext.Current.CancellationToken))
        {
            Assert.Equal(HttpStatusCode.OK, enabled.StatusCode);
            Assert.True((bool)JsonNode.Parse(await enabled.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!["enabled"]!);
        }

        await gateway.WaitUpAsync("echo");

        using var missing = await admin.PostAsync("/admin/api/upstreams/nope/enable", null, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("No upstream named 'nope'.", (string?)JsonNode.Parse(await missing.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!["error"]);
    }

    [Fact]
    public async Task The_cli_disables_and_enables_an_upstream_on_the_store_and_a_running_server_follows()
    {
        await using var gateway = await GatewayHarness.StartAsync();
        await using var upstream = await CredentialEchoUpstream.StartAsync();
        await gateway.AddAsync(new { name = "echo", url = upstream.Url.ToString() });
        await gateway.WaitUpAsync("echo");
        var store = gateway.Server.Settings.Store;

        var disabled = await CliSandbox.RunOnStoreAsync(store, "upstreams", "disable", "--name", "echo");
        Assert.Equal(0, disabled.ExitCode);
        Assert.Contains("Upstream 'echo' is now disabled.", disabled.Output, StringComparison.Ordinal);
        await Eventually.AssertAsync(async () => (await gateway.VendorsAsync()).Count == 0, "the disabled upstream to leave the running server");

        var again = await CliSandbox.RunOnStoreAsync(store, "upstreams", "disable", "--name", "echo", "--json");
        Assert.Equal(0, again.ExitCode);
        Assert.False((bool)again.Json["changed"]!);

        var listed = await CliSandbox.RunOnStoreAsync(store, "upstreams", "list", "--json");
        Assert.False((bool)listed.Json.AsArray().Single()!["enabled"]!);

        var enabled = await CliSandbox.RunOnStoreAsync(store, "upstreams", "enable", "--name", "echo", "--json");
        Assert.Equal(0, enabled.ExitCode);
        Assert.True((bool)enabled.Json["enabled"]!);
        Assert.True((bool)enabled.Json["changed"]!);
        await gateway.WaitUpAsync("echo");

        var missing = await CliSandbox.RunOnStoreAsync(store, "upstreams", "enable", "--name", "nope");
        Assert.NotEqual(0, missing.ExitCode);
        Assert.Contains("No upstream named 'nope'", missing.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_instance_records_the_checks_it_ran_in_the_history()
    {
        await using var gateway = await GatewayHarness.StartAsync();
        await using var peer = await gateway.Server.StartPeerAsync();
        await using var upstream = await CredentialEchoUpstream.StartAsync();
        await gateway.AddAsync(new { name = "echo", url = upstream.Url.ToString() });

        var checks = await Eventually.ReturnsAsync(async () =>
        {
            await using var scope = gateway.Server.Services.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<UpstreamHealthHistory>().ListAsync("echo", UpstreamHealthHistory.Kept, CancellationToken.None);
        }, list => list.Select(c => c.Instance).Distinct().Count() == 2 && list.All(c => c.Ok), "checks by both instances in the history");
        Assert.All(checks, c => Assert.NotNull(c.LatencyMs));
    }
}
