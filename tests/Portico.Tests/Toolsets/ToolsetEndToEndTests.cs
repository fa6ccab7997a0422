using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Portico.Tests.Connectors;
using Portico.Tests.Gateway;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Toolsets;

/// <summary>
/// The acceptance: a toolset of three tools from three sources (a native pack's, an upstream's, a connector's) with one
/// override, served at /toolsets/{name}/mcp to raw MCP requests and to the TypeScript SDK client.
/// </summary>
public sealed class ToolsetEndToEndTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_toolset_of_a_native_an_upstream_and_a_connector_tool_serves_exactly_those_with_its_override()
    {
        await using var api = await PetsApi.StartAsync();
        api.Add(7, "Rex");
        await using var gateway = await GatewayHarness.StartAsync(configuration: new Dictionary<string, string?>
        {
            ["Portico:Outbound:Connectors:AllowPrivateNetworks"] = "true",
            ["Portico:Outbound:Connectors:AllowHttp"] = "true",
        });
        await gateway.AddStdioAsync("everything", UpstreamServers.Everything, "stdio");
        using var admin = gateway.Server.CreateClient(gateway.AdminKey);
        using (var added = await admin.PostAsJsonAsync("/admin/api/connectors", new { name = "pets", document = api.Document }, Ct))
        {
            Assert.True(added.IsSuccessStatusCode, await added.Content.ReadAsStringAsync(Ct));
        }

        await gateway.WaitUpAsync("everything");
        using var created = await admin.PostAsJsonAsync("/admin/api/toolsets", new
        {
            name = "support",
            title = "Support desk",
            tools = new object[]
            {
                new { tool = "ping" },
                new { tool = "everything__echo", name = "say", title = "Say it back", description = "Repeats what you say." },
                new { tool = "pets__getPet" },
            },
        }, Ct);
        var body = await created.Content.ReadAsStringAsync(Ct);
        Assert.True(created.StatusCode == HttpStatusCode.Created, body);
        Assert.Equal("/toolsets/support/mcp", (string?)JsonNode.Parse(body)!["endpoint"]);

        using var client = gateway.Server.CreateClient(gateway.Server.ApiKey);
        var mcp = new McpHttp(client, "/toolsets/support/mcp");
        var session = await mcp.InitializeAsync();
        JsonArray tools = [];
        // The connector's and the upstream's tools reach the catalog in the background.
        await Eventually.AssertAsync(async () =>
        {
            tools = (await mcp.PostAsync("""{"jsonrpc":"2.0","id":2,"method":"tools/list"}""", session)).Final["result"]!["tools"]!.AsArray();
            return tools.Count == 3;
        }, "the toolset to list its three tools");
        Assert.Equal(["ping", "say", "pets__getPet"], tools.Select(t => (string?)t!["name"]));
        var say = tools[1]!;
        Assert.Equal("Say it back", (string?)say["title"]);
        Assert.Equal("Repeats what you say.", (string?)say["description"]);
        Assert.Equal("string", (string?)say["inputSchema"]!["properties"]!["message"]!["type"]);

        var echoed = await mcp.CallToolAsync(session, "say", new JsonObject { ["message"] = "through the toolset" }, id: 3);
        Assert.Equal("Echo: through the toolset", (string?)echoed.Final["result"]!["content"]![0]!["text"]);
        var pet = await mcp.CallToolAsync(session, "pets__getPet", new JsonObject { ["petId"] = "7" }, id: 4);
        Assert.Equal("Rex", (string?)pet.Final["result"]!["structuredContent"]!["name"]);
        // The same pipeline as /mcp: the input schema is checked.
        var invalid = await mcp.CallToolAsync(session, "say", new JsonObject { ["message"] = 42 }, id: 5);
        Assert.Equal("VALIDATION_FAILED", (string?)invalid.Final["result"]!["structuredContent"]!["error"]!["code"]);

        // Outside the set: unknown here, whether by its catalog name, the name the override replaced, or another tool.
        foreach (var (outside, id) in new[] { ("everything__echo", 6), ("get-session-context", 7), ("everything__get-sum", 8), ("pets__listPets", 9) })
        {
            var refused = await mcp.CallToolAsync(session, outside, new JsonObject { ["message"] = "x" }, id: id);
            Assert.Contains($"Unknown tool: '{outside}' in toolset 'support'", (string?)refused.Final["error"]!["message"], StringComparison.Ordinal);
        }

        // The TypeScript SDK client initializes, lists and calls against the toolset's endpoint.
        var output = await RunTypeScriptClientAsync(gateway.Server, new Uri(gateway.Server.BaseAddress, "/toolsets/support/mcp"), new JsonArray
        {
            new JsonObject { ["name"] = "ping", ["arguments"] = new JsonObject() },
            new JsonObject { ["name"] = "say", ["arguments"] = new JsonObject { ["message"] = "from TypeScript" } },
            new JsonObject { ["name"] = "pets__getPet", ["arguments"] = new JsonObject { ["petId"] = "7" } },
        });
        Assert.Equal(["ping", "say", "pets__getPet"], output["tools"]!.AsArray().Select(t => (string?)t));
        var results = output["results"]!.AsArray();
        Assert.All(results, r => Assert.NotEqual(true, (bool?)r!["isError"]));
        Assert.Equal("Echo: from TypeScript", (string?)results[1]!["content"]![0]!["text"]);
        Assert.Equal("Rex", (string?)results[2]!["structuredContent"]!["name"]);

        // A change applies at once (the store's change drops the cached toolset); a deleted toolset is a 404.
        using (var updated = await admin.PutAsJsonAsync("/admin/api/toolsets/support", new { tools = new object[] { new { tool = "ping", name = "are_you_there" } } }, Ct))
        {
            Assert.True(updated.IsSuccessStatusCode, await updated.Content.ReadAsStringAsync(Ct));
        }

        await Eventually.AssertAsync(async () => (await mcp.PostAsync("""{"jsonrpc":"2.0","id":10,"method":"tools/list"}""", session)).Final["result"]!["tools"]!.AsArray()
            .Select(t => (string?)t!["name"]).SequenceEqual(["are_you_there"]), "the changed toolset to be served");
        using (var deleted = await admin.DeleteAsync("/admin/api/toolsets/support", Ct))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        await Eventually.AssertAsync(async () => (await mcp.PostAsync("""{"jsonrpc":"2.0","id":11,"method":"tools/list"}""", session)).Status == HttpStatusCode.NotFound,
            "the deleted toolset's endpoint to answer 404");
    }

    /// <summary>Runs tests/e2e/connectors/client.mjs (the TypeScript SDK client) against <paramref name="endpoint"/>; its JSON output.</summary>
    internal static async Task<JsonObject> RunTypeScriptClientAsync(PorticoTestServer server, Uri endpoint, JsonArray calls)
    {
        var file = Path.Combine(Path.GetTempPath(), $"portico-toolset-calls-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, calls.ToJsonString(), Ct);
        try
        {
            var start = new ProcessStartInfo(PortalTools.Node) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = PortalTools.Directory };
            start.ArgumentList.Add(Path.Combine(ConnectorTools.E2eDirectory, "connectors", "client.mjs"));
            start.ArgumentList.Add(PortalTools.Directory);
            start.ArgumentList.Add(endpoint.AbsoluteUri);
            start.ArgumentList.Add(file);
            start.Environment["PORTICO_API_KEY"] = server.ApiKey;
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync(Ct);
            var errors = process.StandardError.ReadToEndAsync(Ct);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            timeout.CancelAfter(Eventually.DefaultTimeout);
            await process.WaitForExitAsync(timeout.Token);
            Assert.True(process.ExitCode == 0, $"the TypeScript client failed ({process.ExitCode}): {await errors}");
            return JsonNode.Parse(await output)!.AsObject();
        }
        finally
        {
            File.Delete(file);
        }
    }
}
