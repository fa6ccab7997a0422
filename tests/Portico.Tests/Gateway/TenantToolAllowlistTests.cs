using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Portico.Tests.Cli;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Gateway;

/// <summary>A tenant's allowlist of upstream tools: managed by its owners and admins (API) and operators (CLI), applied to tools/list and tools/call on every instance.</summary>
public sealed class TenantToolAllowlistTests
{
    private static readonly string[] EchoOnly = ["everything__echo"];
    private static readonly string[] BadPattern = ["every*thing"];
    private static readonly string[] EchoAndMemory = ["everything__echo", "memory__*"];

    [Fact]
    public async Task A_tenant_allowlist_hides_other_upstream_tools_from_its_members_on_every_instance()
    {
        await using var gateway = await GatewayHarness.StartAsync();
        await using var peer = await gateway.Server.StartPeerAsync();
        await gateway.AddStdioAsync("everything", UpstreamServers.Everything, "stdio");
        await gateway.AddStdioAsync("memory", UpstreamServers.Memory);
        await gateway.WaitUpAsync("everything");
        await gateway.WaitUpAsync("memory");
        var path = $"/admin/api/tenants/{gateway.Server.TenantId}/upstream-tools";
        using var owner = CredentialUser.Owner(gateway.Server);
        using var member = await CredentialUser.AddAsync(gateway.Server, "member@portico.test");
        using var memberOnPeer = member.On(peer);
        // The peer starts its own upstream connections: wait for them there, not on the instance that was waited on above.
        await Eventually.AssertAsync(async () => await memberOnPeer.ToolNamesAsync() is var n && n.Contains("memory__read_graph") && n.Contains("everything__get-sum"),
            "both upstreams serve their tools on the peer");

        // Only owners and admins of the tenant manage it; bad patterns are refused with a hint.
        using var refused = await member.PutAsync(path, new { tools = EchoOnly });
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        using var invalid = await owner.PutAsync(path, new { tools = BadPattern });
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Contains("prefix ending in '*'", (string?)(await invalid.Content.ReadFromJsonAsync<JsonObject>(TestContext.Current.CancellationToken))!["hint"], StringComparison.Ordinal);
        using var set = await owner.PutAsync(path, new { tools = EchoAndMemory });
        Assert.Equal(HttpStatusCode.OK, set.StatusCode);

        // Set through instance A, applied on A at once and on B through the change log, to tools/list and tools/call alike.
        Assert.DoesNotContain("everything__get-sum", await member.ToolNamesAsync());
        await Eventually.AssertAsync(async () => !(await memberOnPeer.ToolNamesAsync()).Contains("everything__get-sum"), "the allowlist change applied on the instance asked");
        var names = await memberOnPeer.ToolNamesAsync();
        Assert.Contains("everything__echo", names);
        Assert.Contains("memory__read_graph", names);
        Assert.DoesNotContain("everything__get-sum", names);
        Assert.Contains("ping", names); // native tools are not the allowlist's
        var hidden = await memberOnPeer.CallAsync("everything__get-sum");
        Assert.Equal("TOOL_NOT_ALLOWED", CredentialUser.ErrorCode(hidden));
        Assert.Contains($"portico upstreams allow --tenant {gateway.Server.TenantId}", (string?)hidden["structuredContent"]!["error"]!["hint"], StringComparison.Ordinal);
        Assert.Equal("Echo: allowed", CredentialUser.Text(await memberOnPeer.CallWithAsync("everything__echo", new JsonObject { ["message"] = "allowed" })));
        var explained = (await memberOnPeer.CallAsync("list_available_tools"))["structuredContent"]!["unavailable"]!.AsArray();
        Assert.Contains(explained, t => (string?)t!["name"] == "everything__get-sum" && (string?)t["reason"] == "TOOL_NOT_ALLOWED");

        // Removed: every upstream tool is back.
        using var cleared = await owner.DeleteAsync(path);
        Assert.Equal(HttpStatusCode.NoContent, cleared.StatusCode);
        Assert.Contains("everything__get-sum", await member.ToolNamesAsync());
        await Eventually.AssertAsync(async () => (await memberOnPeer.ToolNamesAsync()).Contains("everything__get-sum"), "the allowlist change applied on the instance asked");
    }

    [Fact]
    public async Task The_cli_sets_shows_and_clears_an_allowlist_that_the_running_server_applies()
    {
        await using var gateway = await GatewayHarness.StartAsync();
        await gateway.AddStdioAsync("everything", UpstreamServers.Everything, "stdio");
        await gateway.WaitUpAsync("everything");
        using var owner = CredentialUser.Owner(gateway.Server);
        var store = gateway.Server.Settings.Store;
        var tenant = gateway.Server.TenantId;

        var set = await CliSandbox.RunOnStoreAsync(store, "upstreams", "allow", "--tenant", tenant, "--tools", "everything__echo,everything__get-*", "--json");
        Assert.Equal(0, set.ExitCode);
        Assert.Equal(["everything__echo", "everything__get-*"], JsonNode.Parse(set.Output)!["tools"]!.AsArray().Select(t => (string)t!).ToArray());
        // The CLI wrote to the store; the server learns it from the change log.
        await Eventually.AssertAsync(async () => !(await owner.ToolNamesAsync()).Contains("everything__trigger-long-running-operation"), "the allowlist change applied on the instance asked");
        var names = await owner.ToolNamesAsync();
        Assert.Contains("everything__get-sum", names);
        Assert.Contains("everything__echo", names);

        var shown = await CliSandbox.RunOnStoreAsync(store, "upstreams", "allow", "--tenant", tenant);
        Assert.Contains("everything__get-*", shown.Output, StringComparison.Ordinal);
        var unknown = await CliSandbox.RunOnStoreAsync(store, "upstreams", "allow", "--tenant", "000000000000000000000000", "--tools", "x", "--json");
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("No tenant", (string?)JsonNode.Parse(unknown.Output)!["error"], StringComparison.Ordinal);

        var clear = await CliSandbox.RunOnStoreAsync(store, "upstreams", "allow", "--tenant", tenant, "--clear", "--json");
        Assert.Equal(0, clear.ExitCode);
        Assert.False((bool)JsonNode.Parse(clear.Output)!["restricted"]!);
        await Eventually.AssertAsync(async () => (await owner.ToolNamesAsync()).Contains("everything__trigger-long-running-operation"), "the allowlist change applied on the instance asked");
    }

}
