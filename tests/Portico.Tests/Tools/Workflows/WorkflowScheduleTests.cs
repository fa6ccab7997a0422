using System.Text.Json.Nodes;
using Portico.Tests.TestSupport;
using Portico.Tests.Tools.Records;
using static Portico.Tests.Tools.Workflows.WorkflowWorld;

namespace Portico.Tests.Tools.Workflows;

/// <summary>Schedule triggers (pro plan): cron in a time zone, fired on the fake clock by the engine, once per occurrence.</summary>
public sealed class WorkflowScheduleTests
{
    private static JsonObject Schedule(string cron, string? timeZone = null, JsonObject? input = null)
    {
        var trigger = new JsonObject { ["type"] = "schedule", ["cron"] = cron };
        if (timeZone is not null)
        {
            trigger["time_zone"] = timeZone;
        }

        if (input is not null)
        {
            trigger["input"] = input;
        }

        return trigger;
    }

    private static JsonArray ThreeSteps() =>
    [
        Step("save", "create-record", new JsonObject { ["collection"] = "ticks", ["data"] = new JsonObject { ["name"] = "{{ input.name }}" } }),
        Step("ask", "echo__whoami"),
        Step("log", "create-record", new JsonObject
        {
            ["collection"] = "tick_log",
            ["data"] = new JsonObject { ["tick"] = "{{ steps.save.output.record.id }}", ["said"] = "{{ steps.ask.output.text }}" },
        }),
    ];

    [Fact]
    public async Task Schedules_need_the_pro_plan()
    {
        await using var world = await WorkflowWorld.StartAsync();
        var refused = RecordsClient.Error(await world.Owner.CallAsync("create_workflow", new JsonObject
        {
            ["name"] = "ticker",
            ["steps"] = ThreeSteps(),
            ["triggers"] = new JsonArray(Schedule("*/5 * * * *")),
        }), "TIER_REQUIRED");
        Assert.Contains("'pro'", (string?)refused["message"], StringComparison.Ordinal);
        Assert.Empty(RecordsClient.Ok(await world.Owner.CallAsync("list_workflows"))["workflows"]!.AsArray());
    }

    [Fact]
    public async Task A_scheduled_three_step_workflow_runs_at_each_occurrence_on_the_fake_clock_and_once_for_occurrences_missed()
    {
        await using var world = await WorkflowWorld.StartAsync();
        await world.Server.AdminAsync(a => a.SetPlanAsync(world.Server.TenantId, "pro", CancellationToken.None));
        var workflow = await DefineAsync(world.Owner, ThreeSteps(), new JsonObject
        {
            ["input_schema"] = new JsonObject { ["type"] = "object", ["required"] = new JsonArray("name") },
            ["triggers"] = new JsonArray(Schedule("*/5 * * * *", input: new JsonObject { ["name"] = "tick" })),
        });
        Assert.Equal("2026-01-01T09:05:00.000Z", await NextAtAsync(world.Owner, workflow));
        Assert.Empty(await RunsAsync(world.Owner, workflow));

        world.Server.Clock.Advance(TimeSpan.FromMinutes(5));
        var runs = await Eventually.ReturnsAsync(() => RunsAsync(world.Owner, workflow), r => r.Count == 1, "the 09:05 occurrence to start a run");
        var run = await WaitForAsync(world.Owner, (string)runs[0]["run_id"]!, "succeeded");
        Assert.Equal("tick", (string?)run["steps"]![0]!["output"]!["record"]!["data"]!["name"]);
        Assert.Equal((string?)run["steps"]![0]!["output"]!["record"]!["id"], (string?)run["steps"]![2]!["output"]!["record"]!["data"]!["tick"]);
        var trigger = (string)RecordsClient.Ok(await world.Owner.CallAsync("get_workflow", new JsonObject { ["workflow_id"] = workflow }))["workflow"]!["triggers"]![0]!["id"]!;
        Assert.Equal(trigger, (string?)run["trigger_id"]);
        Assert.Equal("2026-01-01T09:10:00.000Z", await NextAtAsync(world.Owner, workflow));

        // An hour with no instance looking: twelve occurrences missed, one run.
        world.Server.Clock.Advance(TimeSpan.FromHours(1));
        await Eventually.AssertAsync(async () => await NextAtAsync(world.Owner, workflow) == "2026-01-01T10:10:00.000Z", "the schedule to move past the missed occurrences");
        Assert.Equal(2, (await RunsAsync(world.Owner, workflow)).Count);

        // An inactive workflow's occurrence passes without a run.
        RecordsClient.Ok(await world.Owner.CallAsync("deactivate_workflow", new JsonObject { ["workflow_id"] = workflow }));
        world.Server.Clock.Advance(TimeSpan.FromMinutes(5));
        await Eventually.AssertAsync(async () => await NextAtAsync(world.Owner, workflow) == "2026-01-01T10:15:00.000Z", "the occurrence of the inactive workflow to pass");
        Assert.Equal(2, (await RunsAsync(world.Owner, workflow)).Count);
    }

    [Fact]
    public async Task The_time_zone_decides_when_a_schedule_fires_and_bad_schedules_are_refused_with_the_reason()
    {
        await using var world = await WorkflowWorld.StartAsync();
        await world.Server.AdminAsync(a => a.SetPlanAsync(world.Server.TenantId, "pro", CancellationToken.None));
        // 09:00 in New York in January is 14:00 UTC; the fake clock reads 09:00 UTC (04:00 in New York).
        var workflow = await DefineAsync(world.Owner, ThreeSteps(), new JsonObject { ["triggers"] = new JsonArray(Schedule("0 9 * * *", "America/New_York")) });
        Assert.Equal("2026-01-01T14:00:00.000Z", await NextAtAsync(world.Owner, workflow));

        async Task<string> RefusedAsync(JsonObject trigger, JsonObject? schema = null)
        {
            var arguments = new JsonObject { ["name"] = "bad", ["steps"] = ThreeSteps(), ["triggers"] = new JsonArray(trigger) };
            if (schema is not null)
            {
                arguments["input_schema"] = schema;
            }

            return (string)RecordsClient.Error(await world.Owner.CallAsync("create_workflow", arguments), "VALIDATION_FAILED")["message"]!;
        }

        Assert.Contains("is not a cron expression", await RefusedAsync(Schedule("every day")), StringComparison.Ordinal);
        Assert.Contains("is not a time zone", await RefusedAsync(Schedule("0 9 * * *", "Mars/Olympus")), StringComparison.Ordinal);
        Assert.Contains("needs 'cron'", await RefusedAsync(new JsonObject { ["type"] = "schedule" }), StringComparison.Ordinal);
        Assert.Contains("does not meet the input_schema",
            await RefusedAsync(Schedule("0 9 * * *"), new JsonObject { ["type"] = "object", ["required"] = new JsonArray("name") }), StringComparison.Ordinal);
    }

    private static async Task<string?> NextAtAsync(RecordsClient client, string workflow)
        => (string?)RecordsClient.Ok(await client.CallAsync("get_workflow", new JsonObject { ["workflow_id"] = workflow }))["workflow"]!["triggers"]![0]!["next_at"];

    private static async Task<List<JsonObject>> RunsAsync(RecordsClient client, string workflow)
        => [.. RecordsClient.Ok(await client.CallAsync("list_runs", new JsonObject { ["workflow_id"] = workflow }))["runs"]!.AsArray().OfType<JsonObject>()];
}
