using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Portico.Tests.TestSupport;
using Portico.Tests.Tools.Records;
using Portico.Tools.Records;
using Portico.Tools.Workflows;
using static Portico.Tests.Tools.Workflows.WorkflowWorld;

namespace Portico.Tests.Tools.Workflows;

/// <summary>Two instances on one store share the runs: each run is claimed by one engine, and a restarted instance's runs are continued.</summary>
public sealed class WorkflowInstancesTests
{
    private const int Runs = 24;

    [Fact]
    public async Task Runs_started_on_two_instances_all_succeed_with_each_step_completed_once_though_one_instance_restarts_mid_way()
    {
        // 72 writes within the minute: the steps are rate-limited like any caller's writes (30 a minute by default).
        await using var world = await WorkflowWorld.StartAsync(new Dictionary<string, string?> { ["Portico:RateLimits:WriteCallsPerMinute"] = "1000" });
        // Many runs at once: the plan without a concurrent-run limit (docs/workflows.md "Plan limits on runs").
        await world.Server.AdminAsync(a => a.SetPlanAsync(world.Server.TenantId, "pro_plus", CancellationToken.None));
        await using var peer = await world.Server.StartPeerAsync();
        using var onPeer = await RecordsClient.ConnectAsync(peer);
        JsonObject Save(string name) => Step(name, "create-record", new JsonObject
        {
            ["collection"] = "spread",
            ["data"] = new JsonObject { ["step"] = name, ["run"] = "{{ run.id }}" },
            // The run's id makes the step safe to run again after a takeover: a second create answers with the first record.
            ["idempotencyKey"] = "{{ run.id }}-" + name,
        });
        var workflow = await DefineAsync(world.Owner, [Save("a"), Save("b"), Save("c")]);

        var started = new List<string>();
        for (var i = 0; i < Runs; i++)
        {
            started.Add(await ExecuteAsync(i % 2 == 0 ? world.Owner : onPeer, workflow));
            if (i == Runs / 2)
            {
                // Mid-way, the peer stops (giving its leases up) and starts again; its runs are continued.
                await peer.RestartAsync();
            }
        }

        var statuses = "";
        await Eventually.AssertAsync(async () =>
        {
            var runs = await world.StoreAsync(db => db.Set<WorkflowRunEntity>().AsNoTracking().Where(r => r.WorkflowId == workflow).ToListAsync());
            statuses = string.Join(", ", runs.GroupBy(r => r.Status + (r.Error is null ? "" : $" ({r.Error})")).Select(g => $"{g.Count()} {g.Key}"));
            return runs.Count(r => r.Status == RunStatuses.Succeeded) == Runs;
        }, () => $"all {Runs} runs to succeed; they are: {statuses}");

        Assert.Equal(0, await world.StoreAsync(db => db.Set<WorkflowRunEntity>().CountAsync(r => r.WorkflowId == workflow && r.LeaseHolder != null)));
        var steps = await world.StoreAsync(db => db.Set<WorkflowStepEntity>().AsNoTracking().Where(s => started.Contains(s.RunId)).ToListAsync());
        Assert.Equal(Runs * 3, steps.Count(s => s.Status == StepStatuses.Succeeded));
        var records = await world.StoreAsync(db => db.Set<EntityRow>().AsNoTracking().Where(r => r.Model == "spread").ToListAsync());
        Assert.Equal(Runs * 3, records.Count);
        Assert.Equal(Runs * 3, records.Select(r => r.IdempotencyKey).Distinct().Count());
        foreach (var run in started)
        {
            var status = await RunAsync(world.Owner, run);
            Assert.Equal("succeeded", (string?)status["status"]);
            var created = status["steps"]!.AsArray().Select(s => (string)s!["output"]!["record"]!["id"]!).ToList();
            Assert.Equal(3, created.Distinct().Count());
        }
    }
}
