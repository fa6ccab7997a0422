using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Portico.Access;
using Portico.Tests.Cli;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Toolsets;

/// <summary>
/// Who reaches a toolset and what it lets through: a tenant's toolset answers only that tenant's credentials (another
/// tenant gets the 404 of an unknown name, on every spelling of the path), the gates of /mcp stay, its OAuth metadata and
/// challenge name it; the admin API and the CLI refuse bad input with a hint.
/// </summary>
public sealed class ToolsetAccessTests
{
    private const string IntruderEmail = "intruder@other.test";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_tenants_toolset_is_the_404_of_an_unknown_name_to_another_tenant_on_every_spelling()
    {
        await using var server = await PorticoTestServer.StartAsync();
        var adminKey = await AdminKeyAsync(server);
        using var admin = server.CreateClient(adminKey);
        using (var created = await admin.PostAsJsonAsync("/admin/api/toolsets", new
        {
            name = "team",
            tenantId = server.TenantId,
            tools = new object[] { new { tool = "ping" }, new { tool = "list_integrations" } },
        }, Ct))
        {
            Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync(Ct));
        }

        var other = await server.AdminAsync(a => a.CreateTenantAsync("Other team", "basic", CancellationToken.None));
        await server.AdminAsync(a => a.AddMemberAsync(other.Id, IntruderEmail, "owner", CancellationToken.None));
        var intruderKey = (await server.AdminAsync(a => a.CreateKeyAsync(IntruderEmail, "intruder", null, new HashSet<string>(Scopes.AllAreaScopes), null, test: true, CancellationToken.None))).Plaintext;

        // The owner's member is served; the other tenant's member gets exactly the answer of a name that does not exist.
        using var member = server.CreateClient();
        Assert.NotNull(await new McpHttp(member, "/toolsets/team/mcp").InitializeAsync());
        using var intruder = server.CreateClient(intruderKey);
        var refused = await new McpHttp(intruder, "/toolsets/team/mcp").PostAsync(McpHttp.Initialize());
        var unknown = await new McpHttp(intruder, "/toolsets/nosuch/mcp").PostAsync(McpHttp.Initialize());
        Assert.Equal(HttpStatusCode.NotFound, refused.Status);
        Assert.Equal(HttpStatusCode.NotFound, unknown.Status);
        var refusedError = JsonNode.Parse(refused.Body)!["error"]!;
        var unknownError = JsonNode.Parse(unknown.Body)!["error"]!;
        Assert.Equal(((string?)unknownError["message"])!.Replace("nosuch", "team", StringComparison.Ordinal), (string?)refusedError["message"]);
        Assert.Equal((string?)unknownError["data"]!["hint"], (string?)refusedError["data"]!["hint"]);
        // Even an operator's key is not a member: a tenant's toolset is its members' alone.
        using var outsider = server.CreateClient(await KeyOfOutsiderAsync(server));
        Assert.Equal(HttpStatusCode.NotFound, (await new McpHttp(outsider, "/toolsets/team/mcp").PostAsync(McpHttp.Initialize())).Status);

        // No spelling the router accepts lets the other tenant in; the ones that reach the endpoint name no toolset it may use.
        foreach (var spelling in Security.EndpointAccessTests.Spellings("/toolsets/team/mcp").Append("/toolsets/team%2F..%2Fteam/mcp").Append("/toolsets/x/../team/mcp"))
        {
            var (status, response) = await Security.RawHttp.SendAsync(server.BaseAddress, "POST", spelling, McpHttp.Initialize(), new Dictionary<string, string>
            {
                ["Accept"] = "application/json, text/event-stream",
                ["Authorization"] = $"Bearer {intruderKey}",
            });
            Assert.True(status is 404 or 400, $"POST {spelling} → {status}: {response[..Math.Min(300, response.Length)]}");
            Assert.DoesNotContain("Mcp-Session-Id", response, StringComparison.OrdinalIgnoreCase);
        }

        // Another spelling of the name is another (unknown) name, not a second way in for the owner either.
        Assert.Equal(HttpStatusCode.NotFound, (await new McpHttp(member, "/toolsets/TEAM/mcp").PostAsync(McpHttp.Initialize())).Status);
    }

    [Fact]
    public async Task A_toolset_keeps_the_gates_of_mcp_and_its_oauth_metadata_and_challenge_name_it()
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var admin = server.CreateClient(await AdminKeyAsync(server));
        using (var created = await admin.PostAsJsonAsync("/admin/api/toolsets", new
        {
            name = "desk",
            tools = new object[] { new { tool = "ping" }, new { tool = "list_integrations", name = "integrations" } },
        }, Ct))
        {
            Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync(Ct));
        }

        // A key without portico/integrations.read: the tool is hidden and refused on the toolset exactly as on /mcp.
        var narrow = (await server.AdminAsync(a => a.CreateKeyAsync(PorticoTestServer.UserEmail, "narrow", null, new HashSet<string> { Scopes.Read("records") }, null, test: true, CancellationToken.None))).Plaintext;
        using var client = server.CreateClient(narrow);
        var toolset = new McpHttp(client, "/toolsets/desk/mcp");
        var root = new McpHttp(client, "/mcp");
        var inSet = await toolset.InitializeAsync();
        var onRoot = await root.InitializeAsync();
        var listed = (await toolset.PostAsync("""{"jsonrpc":"2.0","id":2,"method":"tools/list"}""", inSet)).Final["result"]!["tools"]!.AsArray();
        Assert.Equal(["ping"], listed.Select(t => (string?)t!["name"]));
        var refusedInSet = (await toolset.CallToolAsync(inSet, "integrations", id: 3)).Final["result"]!["structuredContent"]!["error"]!;
        var refusedOnRoot = (await root.CallToolAsync(onRoot, "list_integrations", id: 3)).Final["result"]!["structuredContent"]!["error"]!;
        Assert.Equal("SCOPE_NOT_ALLOWED", (string?)refusedOnRoot["code"]);
        Assert.Equal((string?)refusedOnRoot["code"], (string?)refusedInSet["code"]);
        Assert.Equal((string?)refusedOnRoot["message"], (string?)refusedInSet["message"]);

        // RFC 9728: the toolset is a protected resource of its own; the 401 challenge points at its metadata.
        using var anonymous = server.CreateClient(null);
        var challenge = await new McpHttp(anonymous, "/toolsets/desk/mcp").PostAsync(McpHttp.Initialize());
        Assert.Equal(HttpStatusCode.Unauthorized, challenge.Status);
        var metadataUrl = new Uri(server.BaseAddress, "/.well-known/oauth-protected-resource/toolsets/desk/mcp").AbsoluteUri;
        Assert.Contains($"resource_metadata=\"{metadataUrl}\"", challenge.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        var metadata = await anonymous.GetFromJsonAsync<JsonObject>("/.well-known/oauth-protected-resource/toolsets/desk/mcp", Ct);
        Assert.Equal(new Uri(server.BaseAddress, "/toolsets/desk/mcp").AbsoluteUri, (string?)metadata!["resource"]);
        using var notAResource = await anonymous.GetAsync("/.well-known/oauth-protected-resource/toolsets/Desk/mcp", Ct);
        Assert.Equal(HttpStatusCode.NotFound, notAResource.StatusCode);
    }

    [Fact]
    public async Task The_admin_api_refuses_bad_toolsets_with_a_hint_and_only_admins_manage_them()
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var admin = server.CreateClient(await AdminKeyAsync(server));
        using var member = server.CreateClient();
        using (var forbidden = await member.PostAsJsonAsync("/admin/api/toolsets", new { name = "mine", tools = new object[] { new { tool = "ping" } } }, Ct))
        {
            Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        }

        var tooLong = new string('a', 65);
        var cases = new (object Body, string Expected)[]
        {
            (new { name = "Bad Name", tools = new object[] { new { tool = "ping" } } }, "is not a toolset name"),
            (new { name = "../x", tools = new object[] { new { tool = "ping" } } }, "is not a toolset name"),
            (new { name = new string('a', 33), tools = new object[] { new { tool = "ping" } } }, "is not a toolset name"),
            (new { name = "empty", tools = Array.Empty<object>() }, "has 1–100 tools"),
            (new { name = "t1", tools = new object[] { new { tool = "ping", name = tooLong } } }, "is not a valid tool name"),
            (new { name = "t2", tools = new object[] { new { tool = "ping <b>" } } }, "is not a tool name"),
            (new { name = "t3", tools = new object[] { new { tool = "ping" }, new { tool = "list_integrations", name = "ping" } } }, "Two tools of the toolset are named 'ping'"),
            (new { name = "t4", tools = new object[] { new { tool = "ping" }, new { tool = "ping" } } }, "is in the toolset twice"),
            (new { name = "t5", tenantId = "0123456789abcdef01234567", tools = new object[] { new { tool = "ping" } } }, "No tenant"),
            (new { name = "t6", title = "two\nlines", tools = new object[] { new { tool = "ping" } } }, "control characters"),
        };
        foreach (var (body, expected) in cases)
        {
            using var response = await admin.PostAsJsonAsync("/admin/api/toolsets", body, Ct);
            var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!;
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains(expected, (string?)answer["error"], StringComparison.Ordinal);
            Assert.False(string.IsNullOrEmpty((string?)answer["hint"]));
        }

        using (var malformed = await admin.PostAsync("/admin/api/toolsets", new StringContent("{\"name\":", System.Text.Encoding.UTF8, "application/json"), Ct))
        {
            Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        }

        const string Hostile = "<script>alert(1)</script>\"'&";
        using (var created = await admin.PostAsJsonAsync("/admin/api/toolsets", new { name = "ok", description = Hostile, tools = new object[] { new { tool = "ping", description = Hostile } } }, Ct))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        using (var again = await admin.PostAsJsonAsync("/admin/api/toolsets", new { name = "ok", tools = new object[] { new { tool = "ping" } } }, Ct))
        {
            Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        }

        using (var renamed = await admin.PutAsJsonAsync("/admin/api/toolsets/ok", new { name = "other", tools = new object[] { new { tool = "ping" } } }, Ct))
        {
            Assert.Equal(HttpStatusCode.BadRequest, renamed.StatusCode);
        }

        var stored = await admin.GetFromJsonAsync<JsonObject>("/admin/api/toolsets/ok", Ct);
        Assert.Equal(Hostile, (string?)stored!["description"]);
        Assert.Equal(Hostile, (string?)stored["tools"]![0]!["description"]);
        using var missing = await admin.GetAsync("/admin/api/toolsets/nosuch", Ct);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);

        // Last: just over the limit, answered 413, and the server closes that connection (the rest of the body is never read).
        using (var huge = await admin.PostAsync("/admin/api/toolsets", new StringContent($"{{\"name\":\"big\",\"description\":\"{new string('d', 512 * 1024)}\"}}", System.Text.Encoding.UTF8, "application/json"), Ct))
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, huge.StatusCode);
        }
    }

    [Fact]
    public async Task The_cli_creates_lists_shows_updates_and_deletes_toolsets_that_a_running_server_serves()
    {
        await using var server = await PorticoTestServer.StartAsync();
        var store = server.Settings.Store;
        var created = await CliSandbox.RunOnStoreAsync(store, "toolsets", "create", "--name", "ops", "--title", "Ops", "--tenant", server.TenantId,
            "--tool", "ping", "--tool", "get-session-context=whoami", "--json");
        Assert.True(created.ExitCode == 0, created.Error);
        Assert.Equal("/toolsets/ops/mcp", (string?)created.Json["endpoint"]);

        using var client = server.CreateClient();
        var mcp = new McpHttp(client, "/toolsets/ops/mcp");
        var session = await mcp.InitializeAsync();
        Assert.Equal(["ping", "whoami"], (await mcp.PostAsync("""{"jsonrpc":"2.0","id":2,"method":"tools/list"}""", session)).Final["result"]!["tools"]!.AsArray()
            .Select(t => (string?)t!["name"]));
        var whoami = await mcp.CallToolAsync(session, "whoami", id: 3);
        Assert.NotEqual(true, (bool?)whoami.Final["result"]!["isError"]);

        var listed = await CliSandbox.RunOnStoreAsync(store, "toolsets", "list");
        Assert.Contains("/toolsets/ops/mcp", listed.Output, StringComparison.Ordinal);
        var shown = await CliSandbox.RunOnStoreAsync(store, "toolsets", "show", "--name", "ops");
        Assert.Contains("whoami (= get-session-context)", shown.Output, StringComparison.Ordinal);

        // A change through the CLI reaches the running server through the store's change log.
        var updated = await CliSandbox.RunOnStoreAsync(store, "toolsets", "update", "--name", "ops", "--tool", "ping");
        Assert.True(updated.ExitCode == 0, updated.Error);
        await Eventually.AssertAsync(async () => (await mcp.PostAsync("""{"jsonrpc":"2.0","id":4,"method":"tools/list"}""", session)).Final["result"]?["tools"]?.AsArray().Count == 1,
            "the server to serve the updated toolset");

        var invalid = await CliSandbox.RunOnStoreAsync(store, "toolsets", "create", "--name", "No Good", "--tool", "ping");
        Assert.Equal(2, invalid.ExitCode);
        Assert.Contains("is not a toolset name", invalid.Error, StringComparison.Ordinal);

        var deleted = await CliSandbox.RunOnStoreAsync(store, "toolsets", "delete", "--name", "ops");
        Assert.True(deleted.ExitCode == 0, deleted.Error);
        await Eventually.AssertAsync(async () => (await mcp.PostAsync("""{"jsonrpc":"2.0","id":5,"method":"tools/list"}""", session)).Status == HttpStatusCode.NotFound,
            "the deleted toolset's endpoint to answer 404");
    }

    private static async Task<string> AdminKeyAsync(PorticoTestServer server)
        => (await server.AdminAsync(a => a.CreateKeyAsync(PorticoTestServer.UserEmail, "admin", null, new HashSet<string> { Scopes.Admin }, null, test: true, CancellationToken.None))).Plaintext;

    /// <summary>An operator's admin key of a user who is in no tenant.</summary>
    private static async Task<string> KeyOfOutsiderAsync(PorticoTestServer server)
    {
        var tenant = await server.AdminAsync(a => a.CreateTenantAsync("Operators", "basic", CancellationToken.None));
        await server.AdminAsync(a => a.AddMemberAsync(tenant.Id, "operator@portico.test", "owner", CancellationToken.None));
        return (await server.AdminAsync(a => a.CreateKeyAsync("operator@portico.test", "ops", null, new HashSet<string>(Scopes.AllAreaScopes) { Scopes.Admin }, null, test: true, CancellationToken.None))).Plaintext;
    }
}
