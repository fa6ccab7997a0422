using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Portico.Tests.TestSupport;
using Portico.Tests.Tools.Records;
using Portico.Tools.Workflows;
using static Portico.Tests.Tools.Workflows.WorkflowWorld;

namespace Portico.Tests.Tools.Workflows;

/// <summary>
/// Plan gates on runs: more than <c>ConcurrentRunsBelowProPlus</c> queued or running runs need pro_plus, for manual,
/// webhook and schedule starts alike; a schedule of a group that dropped below pro stops firing.
/// </summary>
public sealed class WorkflowRunLimitTests
{
    private static readonly Dictionary<string, string?> LimitOfTwo = new() { ["Portico:Workflows:ConcurrentRunsBelowProPlus"] = "2" };

    private static JsonArray Holding() => [Step("wait", "echo__hold")];

    private static Task<List<WorkflowRunEntity>> RunsAsync(WorkflowWorld world, string workflow)
        => world.StoreAsync(db => db.Set<WorkflowRunEntity>().AsNoTracking().Where(r => r.WorkflowId == workflow).ToListAsync());

    [Fact]
    public async Task A_manual_run_beyond_the_limit_needs_pro_plus_and_starts_once_the_plan_allows_it()
    {
        await using var world = await WorkflowWorld.StartAsync(LimitOfTwo);
        var workflow = await DefineAsync(world.Owner, Holding());
        var first = await ExecuteAsync(world.Owner, workflow);
        await ExecuteAsync(world.Owner, workflow);

        var refused = RecordsClient.Error(await world.Owner.CallAsync("execute_workflow", new JsonObject { ["workflow_id"] = workflow }), "TIER_REQUIRED");
        Assert.Contains("More than 2 concurrent runs require tier 'pro_plus' (current: 'basic')", (string?)refused["message"], StringComparison.Ordinal);
        Assert.Contains("cancel_run", (string?)refused["hint"], StringComparison.Ordinal);
        Assert.Equal(2, (await RunsAsync(world, workflow)).Count);

        // A run that ends makes room; so does the plan.
        RecordsClient.Ok(await world.Owner.CallAsync("cancel_run", new JsonObject { ["run_id"] = first }));
        await ExecuteAsync(world.Owner, workflow);
        RecordsClient.Error(await world.Owner.CallAsync("execute_workflow", new JsonObject { ["workflow_id"] = workflow }), "TIER_REQUIRED");
        await world.Server.AdminAsync(a => a.SetPlanAsync(world.Server.TenantId, "pro_plus", CancellationToken.None));
        await ExecuteAsync(world.Owner, workflow);
        Assert.Equal(4, (await RunsAsync(world, workflow)).Count);
    }

    [Fact]
    public async Task A_webhook_delivery_beyond_the_limit_is_answered_429_and_the_same_delivery_starts_later()
    {
        await using var world = await WorkflowWorld.StartAsync(LimitOfTwo);
        await world.Server.AdminAsync(a => a.SetPlanAsync(world.Server.TenantId, "pro", CancellationToken.None));
        var created = RecordsClient.Ok(await world.Owner.CallAsync("create_workflow", new JsonObject
        {
            ["name"] = "hooked",
            ["steps"] = Holding(),
            ["triggers"] = new JsonArray(new JsonObject { ["type"] = "webhook" }, new JsonObject { ["type"] = "manual" }),
        }));
        var workflow = (string)created["workflow"]!["workflow_id"]!;
        var hook = created["webhooks"]![0]!;
        RecordsClient.Ok(await world.Owner.CallAsync("activate_workflow", new JsonObject { ["workflow_id"] = workflow }));
        await ExecuteAsync(world.Owner, workflow);
        await ExecuteAsync(world.Owner, workflow);

        var (status, head, body) = await DeliverAsync(world, (string)hook["path"]!, (string)hook["secret"]!, "over-1");
        Assert.Equal(429, status);
        Assert.Contains("Retry-After: 30", head, StringComparison.Ordinal);
        Assert.Equal("TIER_REQUIRED", (string?)body["error"]);
        Assert.Contains("'pro_plus'", (string?)body["message"], StringComparison.Ordinal);
        Assert.Equal(2, (await RunsAsync(world, workflow)).Count);

        // The held runs end; the sender's retry of the same delivery now starts its run.
        world.Upstream.ReleaseHeld();
        await Eventually.AssertAsync(async () => (await RunsAsync(world, workflow)).All(r => r.Status == RunStatuses.Succeeded), "the held runs to finish");
        var (retried, _, accepted) = await DeliverAsync(world, (string)hook["path"]!, (string)hook["secret"]!, "over-1");
        Assert.Equal(202, retried);
        Assert.False((bool)accepted["duplicate"]!);
    }

    [Fact]
    public async Task A_schedule_beyond_the_limit_records_a_refused_run_and_one_below_pro_stops_firing()
    {
        await using var world = await WorkflowWorld.StartAsync(LimitOfTwo);
        await world.Server.AdminAsync(a => a.SetPlanAsync(world.Server.TenantId, "pro", CancellationToken.None));
        var workflow = await DefineAsync(world.Owner, Holding(), new JsonObject
        {
            ["triggers"] = new JsonArray(new JsonObject { ["type"] = "schedule", ["cron"] = "*/5 * * * *" }, new JsonObject { ["type"] = "manual" }),
        });
        await ExecuteAsync(world.Owner, workflow);
        await ExecuteAsync(world.Owner, workflow);

        world.Server.Clock.Advance(TimeSpan.FromMinutes(5));
        var refused = await Eventually.ReturnsAsync(() => RunsAsync(world, workflow), runs => runs.Count == 3, "the 09:05 occurrence to be recorded");
        var occurrence = refused.Single(r => r.Status != RunStatuses.Queued && r.Status != RunStatuses.Running);
        Assert.Equal(RunStatuses.Failed, occurrence.Status);
        Assert.StartsWith("TIER_REQUIRED: More than 2 concurrent runs require tier 'pro_plus'", occurrence.Error, StringComparison.Ordinal);
        var listed = RecordsClient.Ok(await world.Owner.CallAsync("get_run_status", new JsonObject { ["run_id"] = occurrence.Id }))["run"]!;
        Assert.Equal("failed", (string?)listed["status"]);

        // The group drops below pro: the next occurrences pass (the schedule moves on) without a run.
        world.Upstream.ReleaseHeld();
        await Eventually.AssertAsync(async () => (await RunsAsync(world, workflow)).All(r => RunStatuses.IsTerminal(r.Status)), "the held runs to finish");
        await world.Server.AdminAsync(a => a.SetPlanAsync(world.Server.TenantId, "basic", CancellationToken.None));
        world.Server.Clock.Advance(TimeSpan.FromMinutes(5));
        await Eventually.AssertAsync(async () => await NextAtAsync(world.Owner, workflow) == "2026-01-01T09:15:00.000Z", "the 09:10 occurrence to pass");
        Assert.Equal(3, (await RunsAsync(world, workflow)).Count);
    }

    private static async Task<string?> NextAtAsync(RecordsClient client, string workflow)
        => (string?)RecordsClient.Ok(await client.CallAsync("get_workflow", new JsonObject { ["workflow_id"] = workflow }))["workflow"]!["triggers"]![0]!["next_at"];

    private static async Task<(int Status, string Head, JsonObject Body)> DeliverAsync(WorkflowWorld world, string path, string secret, string delivery)
    {
        const string body = "{}";
        var at = WorkflowHooks.Timestamp(world.Server.Clock.GetUtcNow());
        var result = await RawHttp.PostAsync(world.Server.BaseAddress, path,
        [
            "Content-Type: application/json",
            $"{WorkflowHooks.TimestampHeader}: {at}",
            $"{WorkflowHooks.DeliveryHeader}: {delivery}",
            $"{WorkflowHooks.SignatureHeader}: {WorkflowHooks.Sign(secret, at, delivery, Encoding.UTF8.GetBytes(body))}",
        ], body);
        var (start, end) = (result.Body.IndexOf('{', StringComparison.Ordinal), result.Body.LastIndexOf('}'));
        return (result.Status, result.Head, start >= 0 && end > start ? JsonNode.Parse(result.Body[start..(end + 1)])!.AsObject() : []);
    }
}
