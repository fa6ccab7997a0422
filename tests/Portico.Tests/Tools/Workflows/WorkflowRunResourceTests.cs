using System.Text.Json.Nodes;
using Portico.Access;
using Portico.Tests.TestSupport;
using Portico.Tests.Tools.Records;
using static Portico.Tests.Tools.Workflows.WorkflowWorld;

namespace Portico.Tests.Tools.Workflows;

/// <summary>The run resource portico://runs/{id}: its owner reads the run; anyone else, and an unknown id, get the same not-found error.</summary>
public sealed class WorkflowRunResourceTests
{
    private static readonly JsonArray Steps =
    [
        Step("save", "create-record", new JsonObject { ["collection"] = "owners", ["data"] = new JsonObject { ["name"] = "{{ input.name }}" } }),
        Step("ask", "echo__whoami"),
    ];

    [Fact]
    public async Task The_owner_lists_the_template_and_reads_the_run_as_get_run_status_shows_it()
    {
        await using var world = await WorkflowWorld.StartAsync();
        var workflow = await DefineAsync(world.Owner, Steps.DeepClone().AsArray());
        var runId = await ExecuteAsync(world.Owner, workflow, new JsonObject { ["name"] = "Ann" });
        var status = await WaitForAsync(world.Owner, runId, "succeeded");

        var templates = await RequestAsync(world.Owner, "resources/templates/list", null);
        Assert.Contains(templates["result"]!["resourceTemplates"]!.AsArray(), t => (string?)t!["uriTemplate"] == "portico://runs/{id}");

        var read = await RequestAsync(world.Owner, "resources/read", new JsonObject { ["uri"] = "portico://runs/" + runId });
        var content = read["result"]!["contents"]![0]!;
        Assert.Equal("portico://runs/" + runId, (string?)content["uri"]);
        Assert.Equal("application/json", (string?)content["mimeType"]);
        var run = JsonNode.Parse((string)content["text"]!)!;
        Assert.True(JsonNode.DeepEquals(status, run), $"resource {run.ToJsonString()} differs from get_run_status {status.ToJsonString()}");
        Assert.Equal(("succeeded", workflow, 1), ((string?)run["status"], (string?)run["workflow_id"], (int)run["workflow_version"]!));
        Assert.Equal(["succeeded", "succeeded"], run["steps"]!.AsArray().Select(s => (string)s!["status"]!));
        Assert.Equal("Ann", (string?)run["steps"]![0]!["output"]!["record"]!["data"]!["name"]);
        Assert.NotNull(run["finished_at"]);
    }

    [Fact]
    public async Task Another_user_another_tenant_and_an_unknown_id_get_the_same_not_found()
    {
        await using var world = await WorkflowWorld.StartAsync();
        var workflow = await DefineAsync(world.Owner, Steps.DeepClone().AsArray());
        var runId = await ExecuteAsync(world.Owner, workflow, new JsonObject { ["name"] = "Ann" });
        await WaitForAsync(world.Owner, runId, "succeeded");
        using var bob = await JoinAsync(world.Server, world.Server.TenantId, "bob@portico.test");
        var other = await world.Server.AdminAsync(a => a.CreateTenantAsync("Other team", "basic", CancellationToken.None));
        using var carol = await JoinAsync(world.Server, other.Id, "carol@portico.test");
        var unknownRun = Ids.New();

        var expected = await NotFoundAsync(world.Owner, unknownRun);
        Assert.Equal(expected.ToJsonString(), (await NotFoundAsync(bob, runId)).ToJsonString());
        Assert.Equal(expected.ToJsonString(), (await NotFoundAsync(carol, runId)).ToJsonString());
        Assert.Equal(expected.ToJsonString(), (await NotFoundAsync(bob, unknownRun)).ToJsonString());

        // Tampered URIs are not found either, and never an internal error.
        foreach (var uri in new[] { "portico://runs/" + runId + "/x", "portico://runs/", "portico://runs/%00" + runId })
        {
            var error = (await RequestAsync(world.Owner, "resources/read", new JsonObject { ["uri"] = uri }))["error"]!;
            Assert.Equal(-32002, (int)error["code"]!);
        }
    }

    /// <summary>The error of reading the run's resource, its id replaced by "ID" so answers about different ids compare.</summary>
    private static async Task<JsonNode> NotFoundAsync(RecordsClient client, string runId)
    {
        var response = await RequestAsync(client, "resources/read", new JsonObject { ["uri"] = "portico://runs/" + runId });
        Assert.Null(response["result"]);
        var error = response["error"]!.DeepClone();
        Assert.Equal(-32002, (int)error["code"]!);
        return JsonNode.Parse(error.ToJsonString().Replace(runId, "ID", StringComparison.Ordinal))!;
    }

    private static async Task<JsonObject> RequestAsync(RecordsClient client, string method, JsonObject? parameters)
    {
        var request = new JsonObject { ["jsonrpc"] = "2.0", ["id"] = 99, ["method"] = method };
        if (parameters is not null)
        {
            request["params"] = parameters;
        }

        var response = await client.Mcp.PostAsync(request.ToJsonString(), client.SessionId, protocolVersion: McpHttp.LatestSessionVersion);
        return response.Final;
    }

    private static async Task<RecordsClient> JoinAsync(PorticoTestServer server, string tenantId, string email)
    {
        await server.AdminAsync(a => a.AddMemberAsync(tenantId, email, "owner", CancellationToken.None));
        var key = await server.AdminAsync(a => a.CreateKeyAsync(email, "tests", null, new HashSet<string>(Scopes.AllAreaScopes), null, test: true, CancellationToken.None));
        return await RecordsClient.ConnectAsync(server, key.Plaintext);
    }
}
