using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Portico.Policy.Audit;
using Portico.Tests.TestSupport;
using Portico.Tests.Tools.Records;
using Portico.Tools.Records;
using static Portico.Tests.Tools.Workflows.WorkflowWorld;

namespace Portico.Tests.Tools.Workflows;

/// <summary>Runs go to an end through the same pipeline as interactive calls: succeeded, failed naming the step, cancelled, stopped by a revoked key.</summary>
public sealed class WorkflowRunTests
{
    [Fact]
    public async Task A_three_step_workflow_of_a_records_tool_an_upstream_tool_and_a_templated_step_succeeds_with_every_output_recorded()
    {
        await using var world = await WorkflowWorld.StartAsync();
        var workflow = await DefineAsync(world.Owner, [
            Step("save", "create-record", new JsonObject { ["collection"] = "contacts", ["data"] = new JsonObject { ["name"] = "{{ input.name }}" } }),
            Step("ask", "echo__whoami"),
            Step("log", "create-record", new JsonObject
            {
                ["collection"] = "log",
                ["data"] = new JsonObject
                {
                    ["contact"] = "{{ steps.save.output.record.id }}",
                    ["name"] = "{{ steps.save.output.record.data.name }}",
                    ["said"] = "echo said '{{ steps.ask.output.text }}' to {{ input.name }}",
                    ["count"] = "{{ input.count }}",
                    ["tags"] = "{{ input.tags }}",
                },
            }),
        ], new JsonObject { ["input_schema"] = new JsonObject { ["type"] = "object", ["required"] = new JsonArray("name") } });

        var runId = await ExecuteAsync(world.Owner, workflow, new JsonObject { ["name"] = "Ann", ["count"] = 3, ["tags"] = new JsonArray("a", "b") });
        var run = await WaitForAsync(world.Owner, runId, "succeeded");

        var steps = run["steps"]!.AsArray();
        Assert.Equal(["save", "ask", "log"], steps.Select(s => (string)s!["name"]!));
        Assert.All(steps, s => Assert.Equal("succeeded", (string?)s!["status"]));
        Assert.All(steps, s => Assert.Equal(1, (int)s!["attempt"]!));
        var saved = steps[0]!["output"]!["record"]!;
        Assert.Equal("Ann", (string?)saved["data"]!["name"]);
        Assert.Equal("", (string?)steps[1]!["output"]!["text"]);
        var logged = steps[2]!["output"]!["record"]!["data"]!;
        Assert.Equal((string?)saved["id"], (string?)logged["contact"]);
        Assert.Equal("Ann", (string?)logged["name"]);
        Assert.Equal("echo said '' to Ann", (string?)logged["said"]);
        // A whole-string placeholder is the value itself, of its JSON type.
        Assert.Equal(3, (int)logged["count"]!);
        Assert.Equal(["a", "b"], logged["tags"]!.AsArray().Select(t => (string)t!));
        Assert.Null(run["failed_step"]);
        Assert.Single(world.Upstream.Calls);

        // Each step was an audited call of the owner's credential, in the run's tenant, as an interactive call is.
        var audited = await world.StoreAsync(db => db.Set<AuditRecord>().AsNoTracking().Where(a => a.RequestId.StartsWith("wf-" + runId)).ToListAsync());
        Assert.Equal(["create-record", "echo__whoami", "create-record"], audited.OrderBy(a => a.RequestId, StringComparer.Ordinal).Select(a => a.Tool));
        Assert.All(audited, a => Assert.Equal(world.Server.TenantId, a.TenantId));
        Assert.All(audited, a => Assert.Equal("ok", a.Outcome));
        var owner = await world.Server.AdminAsync(a => a.GetUserAsync(PorticoTestServer.UserEmail, CancellationToken.None));
        Assert.All(audited, a => Assert.Equal(owner.Id, a.UserId));
        Assert.All(audited, a => Assert.Contains(a.CredentialId!, world.Server.ApiKey, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_step_that_keeps_failing_is_retried_then_fails_the_run_naming_the_step_and_continue_on_error_goes_on()
    {
        await using var world = await WorkflowWorld.StartAsync();
        var missing = new JsonObject { ["id"] = "00000000000000000000abcd" };
        var lookup = Step("lookup", "get-record", missing);
        lookup["retries"] = 2;
        lookup["backoff_seconds"] = 0;
        var failing = await DefineAsync(world.Owner, [lookup, Step("after", "create-record", new JsonObject { ["collection"] = "never", ["data"] = new JsonObject() })]);

        var run = await WaitForAsync(world.Owner, await ExecuteAsync(world.Owner, failing), "failed");

        Assert.Equal("lookup", (string?)run["failed_step"]);
        Assert.Contains("Step 'lookup' (get-record) failed: NOT_FOUND", (string?)run["error"], StringComparison.Ordinal);
        var first = run["steps"]![0]!;
        Assert.Equal(("failed", 3, "NOT_FOUND"), ((string?)first["status"], (int)first["attempt"]!, (string?)first["error"]!["code"]));
        Assert.Equal("pending", (string?)run["steps"]![1]!["status"]);

        var tolerant = (JsonObject)lookup.DeepClone();
        tolerant["retries"] = 0;
        tolerant["continue_on_error"] = true;
        var goesOn = await DefineAsync(world.Owner, [tolerant, Step("after", "create-record", new JsonObject
        {
            ["collection"] = "after",
            ["data"] = new JsonObject { ["previous"] = "{{ steps.lookup.output }}" },
        })]);
        var finished = await WaitForAsync(world.Owner, await ExecuteAsync(world.Owner, goesOn), "succeeded");
        Assert.Equal("failed", (string?)finished["steps"]![0]!["status"]);
        Assert.Equal("succeeded", (string?)finished["steps"]![1]!["status"]);
        Assert.Null(finished["steps"]![1]!["output"]!["record"]!["data"]!["previous"]);
    }

    [Fact]
    public async Task A_template_naming_a_missing_value_fails_its_step_with_the_path_and_what_is_there()
    {
        await using var world = await WorkflowWorld.StartAsync();
        var workflow = await DefineAsync(world.Owner, [Step("save", "create-record", new JsonObject
        {
            ["collection"] = "contacts",
            ["data"] = new JsonObject { ["name"] = "{{ input.person.name }}" },
        })]);

        var run = await WaitForAsync(world.Owner, await ExecuteAsync(world.Owner, workflow, new JsonObject { ["person"] = new JsonObject { ["first"] = "Ann" } }), "failed");

        var error = run["steps"]![0]!["error"]!;
        Assert.Equal("TEMPLATE_ERROR", (string?)error["code"]);
        Assert.Equal("Template '{{ input.person.name }}': 'input.person' has no 'name' ('input.person' is an object with first).", (string?)error["message"]);
        Assert.Equal(1, (int)run["steps"]![0]!["attempt"]!);
    }

    [Fact]
    public async Task Cancelling_a_run_stops_the_step_in_progress_and_runs_no_further_step()
    {
        await using var world = await WorkflowWorld.StartAsync();
        var workflow = await DefineAsync(world.Owner, [
            Step("wait", "echo__hold"),
            Step("after", "create-record", new JsonObject { ["collection"] = "after_cancel", ["data"] = new JsonObject() }),
        ]);
        var runId = await ExecuteAsync(world.Owner, workflow);
        await Eventually.AssertAsync(() => world.Upstream.Held == 1, "the first step to be calling the upstream");

        var cancelled = RecordsClient.Ok(await world.Owner.CallAsync("cancel_run", new JsonObject { ["run_id"] = runId }));
        Assert.Equal("cancelled", (string?)cancelled["run"]!["status"]);

        await Eventually.AssertAsync(async () => (await world.StepsAsync(runId)).Single().Status == "failed", "the step in progress to be recorded as stopped");
        var run = await RunAsync(world.Owner, runId);
        Assert.Equal("cancelled", (string?)run["status"]);
        Assert.Equal("CANCELLED", (string?)run["steps"]![0]!["error"]!["code"]);
        Assert.Equal("pending", (string?)run["steps"]![1]!["status"]);
        world.Upstream.ReleaseHeld();
        Assert.Equal(0, await world.StoreAsync(db => db.Set<EntityRow>().CountAsync(r => r.Model == "after_cancel")));

        // Cancelling again: it already ended.
        RecordsClient.Error(await world.Owner.CallAsync("cancel_run", new JsonObject { ["run_id"] = runId }), "RUN_ENDED");
    }

    [Fact]
    public async Task A_key_revoked_while_a_run_is_under_way_stops_the_run_at_its_next_step()
    {
        await using var world = await WorkflowWorld.StartAsync();
        var key = await world.Server.AdminAsync(a => a.CreateKeyAsync(PorticoTestServer.UserEmail, "flow", null,
            new HashSet<string>(Portico.Access.Scopes.AllAreaScopes), null, test: true, CancellationToken.None));
        using var client = await RecordsClient.ConnectAsync(world.Server, key.Plaintext);
        var workflow = await DefineAsync(client, [
            Step("wait", "echo__hold"),
            Step("after", "create-record", new JsonObject { ["collection"] = "after_revoke", ["data"] = new JsonObject() }),
        ]);
        var runId = await ExecuteAsync(client, workflow);
        await Eventually.AssertAsync(() => world.Upstream.Held == 1, "the first step to be calling the upstream");

        await world.Server.AdminAsync(a => a.RevokeKeyAsync(key.Record.Id, CancellationToken.None));
        world.Upstream.ReleaseHeld();

        var run = await WaitForAsync(world.Owner, runId, "failed");
        Assert.Equal("after", (string?)run["failed_step"]);
        Assert.StartsWith("CREDENTIAL_REVOKED: The API key that started this run", (string?)run["error"], StringComparison.Ordinal);
        Assert.Equal("CREDENTIAL_REVOKED", (string?)run["steps"]![1]!["error"]!["code"]);
        Assert.Equal(0, await world.StoreAsync(db => db.Set<EntityRow>().CountAsync(r => r.Model == "after_revoke")));
    }
}
