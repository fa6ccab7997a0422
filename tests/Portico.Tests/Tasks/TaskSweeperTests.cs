using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Portico.Storage;
using Portico.Tasks;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Tasks;

/// <summary>A task never stays working without an instance, and expired tasks go (the clock is moved, never waited for).</summary>
public sealed class TaskSweeperTests
{
    [Fact]
    public async Task A_task_whose_instance_stopped_renewing_its_lease_fails_with_the_reason_and_expired_tasks_are_pruned()
    {
        await using var server = await PorticoTestServer.StartAsync();
        var now = server.Clock.GetUtcNow();
        var orphan = Task("working", now, leaseUntil: now.AddSeconds(5));
        var finished = Task("completed", now, leaseUntil: null);
        finished.ExpiresAt = now.AddMinutes(1);
        await using (var scope = server.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
            db.Set<TaskRecord>().AddRange(orphan, finished);
            await db.SaveChangesAsync();
        }

        var sweeper = server.Services.GetRequiredService<TaskSweeper>();
        var store = server.Services.GetRequiredService<TaskStore>();
        Assert.True(await sweeper.SweepAsync(CancellationToken.None));
        Assert.Equal("working", (await store.FindAsync(orphan.Id, CancellationToken.None))!.Status);

        server.Clock.Advance(TimeSpan.FromMinutes(2));
        Assert.True(await sweeper.SweepAsync(CancellationToken.None));

        var failed = await store.FindAsync(orphan.Id, CancellationToken.None);
        Assert.Equal("failed", failed!.Status);
        Assert.Equal(TaskRunner.InstanceStoppedMessage, (string?)JsonNode.Parse(failed.Error!)!["message"]);
        Assert.Equal(0, await TestStores.ScalarAsync(server.Settings.Store, $"SELECT COUNT(*) FROM tasks WHERE id = '{finished.Id}'"));
    }

    [Fact]
    public async Task Only_one_instance_holds_the_sweeper_lease_until_it_runs_out()
    {
        await using var instances = await TwoInstances.StartAsync();
        var sweeperA = instances.A.Services.GetRequiredService<TaskSweeper>();
        var sweeperB = instances.B.Services.GetRequiredService<TaskSweeper>();

        var aFirst = await sweeperA.SweepAsync(CancellationToken.None);
        var bThen = await sweeperB.SweepAsync(CancellationToken.None);
        Assert.True(aFirst || bThen);
        Assert.False(aFirst && bThen);
    }

    private static TaskRecord Task(string status, DateTimeOffset now, DateTimeOffset? leaseUntil) => new()
    {
        Id = TaskIds.New(),
        OwnerId = "user_dead",
        Source = "portico",
        Tool = "slow_compute",
        RequestId = "req",
        Status = status,
        TtlMs = 60_000,
        PollIntervalMs = 500,
        CreatedAt = now,
        UpdatedAt = now,
        ExpiresAt = now.AddHours(1),
        InstanceId = "instance_dead",
        LeaseUntil = leaseUntil,
    };
}
