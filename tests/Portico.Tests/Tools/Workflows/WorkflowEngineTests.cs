using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portico.Access;
using Portico.Tests.TestSupport;
using Portico.Tools.Records;
using Portico.Tools.Workflows;
using static Portico.Tests.Tools.Workflows.WorkflowWorld;

namespace Portico.Tests.Tools.Workflows;

/// <summary>
/// A run whose instance died (its lease ran out on the fake clock) is continued by another engine from its last finished
/// step: finished steps are never run again, an idempotent step that started without recorded completion runs again,
/// and one marked not idempotent fails the run instead.
/// </summary>
public sealed class WorkflowEngineTests
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_run_left_by_a_dead_instance_continues_from_its_last_finished_step_once_the_lease_runs_out()
    {
        await using var world = await WorkflowWorld.StartAsync();
        var workflow = await DefineAsync(world.Owner, [
            Step("first", "create-record", new JsonObject { ["collection"] = "first", ["data"] = new JsonObject() }),
            Step("second", "create-record", new JsonObject { ["collection"] = "second", ["data"] = new JsonObject() }),
            Step("third", "create-record", new JsonObject { ["collection"] = "third", ["data"] = new JsonObject { ["from_first"] = "{{ steps.first.output.record.id }}" } }),
        ]);
        var runId = await LeftByDeadInstanceAsync(world, workflow, secondStepIdempotent: true);

        // The dead instance's lease still holds: nobody takes the run. Once it runs out, this instance's engine does.
        Assert.Equal("running", (string?)(await RunAsync(world.Owner, runId))["status"]);
        world.Server.Clock.Advance(Lease + TimeSpan.FromSeconds(1));
        var run = await WaitForAsync(world.Owner, runId, "succeeded");

        var steps = run["steps"]!.AsArray();
        Assert.Equal([1, 2, 1], steps.Select(s => (int)s!["attempt"]!));
        Assert.Equal("recorded-before-the-crash", (string?)steps[0]!["output"]!["record"]!["id"]);
        Assert.Equal("recorded-before-the-crash", (string?)steps[2]!["output"]!["record"]!["data"]!["from_first"]);
        Assert.Equal(0, await CountAsync(world, "first"));
        Assert.Equal(1, await CountAsync(world, "second"));
        Assert.Equal(1, await CountAsync(world, "third"));
    }

    [Fact]
    public async Task A_step_not_marked_idempotent_that_started_without_recorded_completion_fails_the_run_instead_of_running_again()
    {
        await using var world = await WorkflowWorld.StartAsync();
        var second = Step("second", "create-record", new JsonObject { ["collection"] = "second", ["data"] = new JsonObject() });
        second["idempotent"] = false;
        var workflow = await DefineAsync(world.Owner, [
            Step("first", "create-record", new JsonObject { ["collection"] = "first", ["data"] = new JsonObject() }),
            second,
        ]);
        var runId = await LeftByDeadInstanceAsync(world, workflow, secondStepIdempotent: false);

        world.Server.Clock.Advance(Lease + TimeSpan.FromSeconds(1));
        var run = await WaitForAsync(world.Owner, runId, "failed");

        Assert.Equal("second", (string?)run["failed_step"]);
        Assert.StartsWith("STEP_NOT_IDEMPOTENT: Step 'second' started (attempt 1) on an instance that stopped", (string?)run["error"], StringComparison.Ordinal);
        Assert.Equal(0, await CountAsync(world, "second"));
    }

    /// <summary>
    /// Stores what a killed instance leaves: the run <c>running</c> under its lease, the first step finished (with an
    /// output no tool produced, so re-running it would show), the second started without recorded completion.
    /// </summary>
    private static async Task<string> LeftByDeadInstanceAsync(WorkflowWorld world, string workflowId, bool secondStepIdempotent)
    {
        var owner = await world.Server.AdminAsync(a => a.GetUserAsync(PorticoTestServer.UserEmail, CancellationToken.None));
        var keys = await world.Server.AdminAsync(a => a.ListKeysAsync(owner.Id, CancellationToken.None));
        var key = keys.Single(k => world.Server.ApiKey.Contains(k.Id, StringComparison.Ordinal));
        var now = world.Server.Clock.GetUtcNow();
        var runId = Ids.New();
        await using var scope = world.Server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<Portico.Storage.PorticoDbContext>();
        var workflow = await db.Set<WorkflowEntity>().AsNoTracking().SingleAsync(w => w.Id == workflowId, TestContext.Current.CancellationToken);
        Assert.Equal(secondStepIdempotent, WorkflowDefinition.Parse(workflow.Definition).Steps[1].Idempotent);
        db.Set<WorkflowRunEntity>().Add(new WorkflowRunEntity
        {
            TenantId = workflow.TenantId,
            Id = runId,
            WorkflowId = workflow.Id,
            WorkflowVersion = workflow.Version,
            Definition = workflow.Definition,
            TriggerId = "trg_manual",
            OwnerId = owner.Id,
            CredentialKind = Principal.ApiKeyKind,
            CredentialId = key.Id,
            Scopes = key.Scopes,
            Status = RunStatuses.Running,
            Input = "{}",
            LeaseHolder = "wfe_dead",
            LeaseUntil = now + Lease,
            DueAt = now,
            CreatedAt = now,
            StartedAt = now,
            UpdatedAt = now,
        });
        // The run first: the model maps no relationship, so EF would not order the inserts by the store's foreign key.
        await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        db.Set<WorkflowStepEntity>().Add(new WorkflowStepEntity
        {
            TenantId = workflow.TenantId,
            RunId = runId,
            StepIndex = 0,
            StepName = "first",
            Attempt = 1,
            Status = StepStatuses.Succeeded,
            Output = """{"record":{"id":"recorded-before-the-crash"}}""",
            StartedAt = now,
            FinishedAt = now,
        });
        db.Set<WorkflowStepEntity>().Add(new WorkflowStepEntity
        {
            TenantId = workflow.TenantId,
            RunId = runId,
            StepIndex = 1,
            StepName = "second",
            Attempt = 1,
            Status = StepStatuses.Running,
            StartedAt = now,
        });
        await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        return runId;
    }

    private static Task<int> CountAsync(WorkflowWorld world, string collection)
        => world.StoreAsync(db => db.Set<EntityRow>().CountAsync(r => r.Model == collection));
}
