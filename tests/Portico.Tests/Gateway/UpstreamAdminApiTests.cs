using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Portico.Tests.Cli;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Gateway;

public sealed class UpstreamAdminApiTests
{
    [Fact]
    public async Task The_admin_api_needs_an_admin_key_and_adds_lists_and_removes_upstreams()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var gateway = await GatewayHarness.StartAsync();
        var body = new { name = "docs", url = "http://127.0.0.1:9/mcp", headers = new Dictionary<string, string> { ["X-Api-Key"] = "static-header-value-1234" } };
        using var anonymous = gateway.Server.CreateClient(null);
        using var user = gateway.Server.CreateClient();
        using var admin = gateway.Server.CreateClient(gateway.AdminKey);

        using var unauthenticated = await anonymous.PostAsJsonAsync("/admin/api/upstreams", body, ct);
        using var forbidden = await user.PostAsJsonAsync("/admin/api/upstreams", body, ct);
        using var created = await admin.PostAsJsonAsync("/admin/api/upstreams", body, ct);
        using var duplicate = await admin.PostAsJsonAsync("/admin/api/upstreams", body, ct);
        using var invalid = await admin.PostAsJsonAsync("/admin/api/upstreams", new { name = "Bad Name!", url = "http://x/mcp" }, ct);
        var listed = await admin.GetFromJsonAsync<JsonArray>("/admin/api/upstreams", ct);
        var health = await gateway.WaitForVendorAsync("docs", v => (int)v["consecutiveFailures"]! > 0, "checked");
        using var removed = await admin.DeleteAsync("/admin/api/upstreams/docs", ct);
        using var missing = await admin.DeleteAsync("/admin/api/upstreams/docs", ct);

        Assert.Equal(HttpStatusCode.Unauthorized, unauthenticated.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Contains("not a valid upstream name", (string?)(await invalid.Content.ReadFromJsonAsync<JsonObject>(ct))!["error"], StringComparison.Ordinal);
        var docs = Assert.Single(listed!)!;
        Assert.Equal("docs", (string?)docs["name"]);
        Assert.Equal("X-Api-Key", (string?)docs["headerNames"]![0]);
        Assert.DoesNotContain("static-header-value-1234", listed!.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal("down", (string?)health["status"]);
        Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        // The health monitor reloads the upstream list in the background after the change (on every instance alike).
        await Eventually.AssertAsync(async () => (await gateway.VendorsAsync()).Count == 0, "the removed upstream to leave /health/vendors");
    }

    [Fact]
    public async Task The_cli_adds_lists_tests_and_removes_upstreams_as_json()
    {
        using var sandbox = new CliSandbox();

        var added = await sandbox.RunAsync("upstreams", "add", "--name", "everything", "--command", UpstreamServers.Node,
            "--arg", UpstreamServers.Everything, "--arg", "stdio", "--deny", "get-env", "--json");
        var listed = await sandbox.RunAsync("upstreams", "list", "--json");
        var tested = await sandbox.RunAsync("upstreams", "test", "--name", "everything", "--json");
        var removed = await sandbox.RunAsync("upstreams", "remove", "--name", "everything");
        var missing = await sandbox.RunAsync("upstreams", "remove", "--name", "everything", "--json");

        Assert.Equal(0, added.ExitCode);
        Assert.Equal("stdio", (string?)JsonNode.Parse(added.Output)!["transport"]);
        Assert.Equal("everything", (string?)JsonNode.Parse(listed.Output)!.AsArray().Single()!["name"]);
        Assert.Equal(0, tested.ExitCode);
        var test = JsonNode.Parse(tested.Output)!;
        Assert.True((bool)test["ok"]!);
        Assert.Contains(test["tools"]!.AsArray(), t => (string?)t == "echo");
        Assert.DoesNotContain(test["tools"]!.AsArray(), t => (string?)t == "get-env");
        Assert.Equal(0, removed.ExitCode);
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("No upstream named 'everything'", missing.Error, StringComparison.Ordinal);
    }
}
