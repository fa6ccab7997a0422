using System.Text.Json.Nodes;
using Portico.Access;
using Portico.Tests.TestSupport;
using Portico.Tests.Tools.Records;
using static Portico.Tests.Tools.Workflows.WorkflowWorld;

namespace Portico.Tests.Tools.Workflows;

/// <summary>The seed's refusals, each with its hint; and workflows and runs of another user or tenant, which are "not found" exactly as ids that never existed.</summary>
public sealed class WorkflowAccessTests
{
    private static JsonObject Save(string collection = "notes")
        => Step("save", "create-record", new JsonObject { ["collection"] = collection, ["data"] = new JsonObject { ["x"] = 1 } });

    [Fact]
    public async Task Every_seed_message_comes_with_its_hint()
    {
        await using var world = await WorkflowWorld.StartAsync();
        var inactive = await DefineAsync(world.Owner, [Save()], activate: false);

        var notActive = RecordsClient.Error(await world.Owner.CallAsync("execute_workflow", new JsonObject { ["workflow_id"] = inactive }), "WORKFLOW_NOT_ACTIVE");
        Assert.StartsWith("Workflow is not activated", (string?)notActive["message"], StringComparison.Ordinal);
        Assert.Contains("activate_workflow", (string?)notActive["hint"], StringComparison.Ordinal);

        var triggerless = await DefineAsync(world.Owner, [Save()], new JsonObject { ["triggers"] = new JsonArray() });
        var noTrigger = RecordsClient.Error(await world.Owner.CallAsync("execute_workflow", new JsonObject { ["workflow_id"] = triggerless }), "NO_TRIGGER");
        Assert.StartsWith("No trigger available for this workflow", (string?)noTrigger["message"], StringComparison.Ordinal);
        Assert.Contains("manual", (string?)noTrigger["hint"], StringComparison.Ordinal);

        var manual = await DefineAsync(world.Owner, [Save()]);
        var unknownTrigger = RecordsClient.Error(await world.Owner.CallAsync("execute_workflow", new JsonObject { ["workflow_id"] = manual, ["trigger_id"] = "trg_nope" }), "NO_TRIGGER");
        Assert.Contains("no trigger 'trg_nope'", (string?)unknownTrigger["message"], StringComparison.Ordinal);
        var trigger = (string)RecordsClient.Ok(await world.Owner.CallAsync("get_workflow", new JsonObject { ["workflow_id"] = manual }))["workflow"]!["triggers"]![0]!["id"]!;
        var byTrigger = RecordsClient.Ok(await world.Owner.CallAsync("execute_workflow", new JsonObject { ["workflow_id"] = manual, ["trigger_id"] = trigger }));
        Assert.Equal(trigger, (string?)byTrigger["trigger_id"]);

        var noWorkflow = RecordsClient.Error(await world.Owner.CallAsync("get_workflow", new JsonObject { ["workflow_id"] = Ids.New() }), "NOT_FOUND");
        Assert.StartsWith("Workflow not found", (string?)noWorkflow["message"], StringComparison.Ordinal);
        Assert.Contains("list_workflows", (string?)noWorkflow["hint"], StringComparison.Ordinal);
        var noRun = RecordsClient.Error(await world.Owner.CallAsync("get_run_status", new JsonObject { ["run_id"] = Ids.New() }), "NOT_FOUND");
        Assert.StartsWith("Run not found", (string?)noRun["message"], StringComparison.Ordinal);
        Assert.Contains("list_runs", (string?)noRun["hint"], StringComparison.Ordinal);

        // Input that does not meet the workflow's input_schema never becomes a run.
        var typed = await DefineAsync(world.Owner, [Save()], new JsonObject { ["input_schema"] = new JsonObject { ["type"] = "object", ["required"] = new JsonArray("name") } });
        RecordsClient.Error(await world.Owner.CallAsync("execute_workflow", new JsonObject { ["workflow_id"] = typed, ["input"] = new JsonObject() }), "VALIDATION_FAILED");
        Assert.Empty(RecordsClient.Ok(await world.Owner.CallAsync("list_runs", new JsonObject { ["workflow_id"] = typed }))["runs"]!.AsArray());

        // Deleting is destructive: refused without confirm.
        RecordsClient.Error(await world.Owner.CallAsync("delete_workflow", new JsonObject { ["workflow_id"] = manual }), "CONFIRMATION_REQUIRED");
        RecordsClient.Ok(await world.Owner.CallAsync("delete_workflow", new JsonObject { ["workflow_id"] = manual, ["confirm"] = true }));
        RecordsClient.Error(await world.Owner.CallAsync("get_workflow", new JsonObject { ["workflow_id"] = manual }), "NOT_FOUND");
    }

    [Fact]
    public async Task Steps_are_checked_when_the_workflow_is_defined()
    {
        await using var world = await WorkflowWorld.StartAsync();
        async Task<JsonObject> RefusedAsync(params JsonObject[] steps)
            => RecordsClient.Error(await world.Owner.CallAsync("create_workflow", new JsonObject { ["name"] = "bad", ["steps"] = new JsonArray(steps) }), "VALIDATION_FAILED");

        Assert.Contains("no tool 'no_such_tool' is available to you", (string?)(await RefusedAsync(Step("a", "no_such_tool")))["message"], StringComparison.Ordinal);
        // bulk-create-records needs pro_plus; the test tenant is basic: not a tool this caller may use.
        Assert.Contains("no tool 'bulk-create-records' is available to you", (string?)(await RefusedAsync(Step("a", "bulk-create-records")))["message"], StringComparison.Ordinal);
        Assert.Contains("cannot call the workflows tools", (string?)(await RefusedAsync(Step("a", "execute_workflow")))["message"], StringComparison.Ordinal);
        Assert.Contains("names step 'later', which does not run before this one",
            (string?)(await RefusedAsync(Step("a", "create-record", new JsonObject { ["collection"] = "x", ["data"] = new JsonObject { ["v"] = "{{ steps.later.output.id }}" } }), Save()))["message"],
            StringComparison.Ordinal);
        Assert.Contains("must start with 'input' or 'steps'",
            (string?)(await RefusedAsync(Step("a", "create-record", new JsonObject { ["collection"] = "{{ env.HOME }}", ["data"] = new JsonObject() })))["message"], StringComparison.Ordinal);
        Assert.Contains("used twice", (string?)(await RefusedAsync(Save(), Save()))["message"], StringComparison.Ordinal);
        // The pack's own schema: step names are snake_case identifiers.
        RecordsClient.Error(await world.Owner.CallAsync("create_workflow", new JsonObject { ["name"] = "bad", ["steps"] = new JsonArray(Step("Bad Name", "create-record")) }), "VALIDATION_FAILED");
        Assert.Empty(RecordsClient.Ok(await world.Owner.CallAsync("list_workflows"))["workflows"]!.AsArray());
    }

    [Fact]
    public async Task Another_users_workflows_and_runs_are_not_found_exactly_as_ids_that_never_existed()
    {
        await using var world = await WorkflowWorld.StartAsync();
        var workflow = await DefineAsync(world.Owner, [Save("owners")]);
        var runId = await ExecuteAsync(world.Owner, workflow);
        await WaitForAsync(world.Owner, runId, "succeeded");
        using var bob = await JoinAsync(world.Server, world.Server.TenantId, "bob@portico.test");

        await AssertNotFoundLikeUnknownAsync(bob, workflow, runId);
        Assert.Empty(RecordsClient.Ok(await bob.CallAsync("list_workflows"))["workflows"]!.AsArray());
        Assert.Empty(RecordsClient.Ok(await bob.CallAsync("list_runs"))["runs"]!.AsArray());

        // The owner's workflow is untouched and still active.
        var mine = RecordsClient.Ok(await world.Owner.CallAsync("get_workflow", new JsonObject { ["workflow_id"] = workflow }))["workflow"]!;
        Assert.True((bool)mine["active"]!);
        Assert.Equal(1, (int)mine["version"]!);
        Assert.Single(RecordsClient.Ok(await world.Owner.CallAsync("list_runs", new JsonObject { ["workflow_id"] = workflow }))["runs"]!.AsArray());
    }

    [Fact]
    public async Task Another_tenants_member_reaches_none_of_them_by_id_or_by_naming_the_tenant()
    {
        await using var world = await WorkflowWorld.StartAsync();
        var workflow = await DefineAsync(world.Owner, [Save("owners")]);
        var runId = await ExecuteAsync(world.Owner, workflow);
        await WaitForAsync(world.Owner, runId, "succeeded");
        var other = await world.Server.AdminAsync(a => a.CreateTenantAsync("Other team", "basic", CancellationToken.None));
        using var carol = await JoinAsync(world.Server, other.Id, "carol@portico.test");

        await AssertNotFoundLikeUnknownAsync(carol, workflow, runId);

        // Naming the owner's tenant is refused before any workflows tool runs.
        var named = await carol.CallAsync("get_workflow", new JsonObject { ["workflow_id"] = workflow, ["tenantId"] = world.Server.TenantId });
        Assert.True((bool)named["isError"]!);
        Assert.NotEqual("NOT_FOUND", (string?)named["structuredContent"]!["error"]!["code"]);
        Assert.DoesNotContain("owners", named.ToJsonString(), StringComparison.Ordinal);
    }

    /// <summary>Every tool that takes an id answers the intruder as it answers an id that never existed, and changes nothing.</summary>
    private static async Task AssertNotFoundLikeUnknownAsync(RecordsClient intruder, string workflow, string runId)
    {
        var unknownWorkflow = Ids.New();
        var unknownRun = Ids.New();
        foreach (var tool in new[] { "get_workflow", "update_workflow", "activate_workflow", "deactivate_workflow", "execute_workflow", "delete_workflow" })
        {
            JsonObject Arguments(string id) => tool switch
            {
                "update_workflow" => new JsonObject { ["workflow_id"] = id, ["name"] = "hijacked" },
                "delete_workflow" => new JsonObject { ["workflow_id"] = id, ["confirm"] = true },
                _ => new JsonObject { ["workflow_id"] = id },
            };
            var leaked = RecordsClient.Error(await intruder.CallAsync(tool, Arguments(workflow)), "NOT_FOUND");
            var unknown = RecordsClient.Error(await intruder.CallAsync(tool, Arguments(unknownWorkflow)), "NOT_FOUND");
            Assert.Equal(((string)unknown["message"]!).Replace(unknownWorkflow, "ID", StringComparison.Ordinal), ((string)leaked["message"]!).Replace(workflow, "ID", StringComparison.Ordinal));
            Assert.Equal((string?)unknown["hint"], (string?)leaked["hint"]);
        }

        foreach (var tool in new[] { "get_run_status", "cancel_run" })
        {
            var leaked = RecordsClient.Error(await intruder.CallAsync(tool, new JsonObject { ["run_id"] = runId }), "NOT_FOUND");
            var unknown = RecordsClient.Error(await intruder.CallAsync(tool, new JsonObject { ["run_id"] = unknownRun }), "NOT_FOUND");
            Assert.Equal(((string)unknown["message"]!).Replace(unknownRun, "ID", StringComparison.Ordinal), ((string)leaked["message"]!).Replace(runId, "ID", StringComparison.Ordinal));
            Assert.Equal((string?)unknown["hint"], (string?)leaked["hint"]);
        }
    }

    private static async Task<RecordsClient> JoinAsync(PorticoTestServer server, string tenantId, string email)
    {
        await server.AdminAsync(a => a.AddMemberAsync(tenantId, email, "owner", CancellationToken.None));
        var key = await server.AdminAsync(a => a.CreateKeyAsync(email, "tests", null, new HashSet<string>(Scopes.AllAreaScopes), null, test: true, CancellationToken.None));
        return await RecordsClient.ConnectAsync(server, key.Plaintext);
    }
}
