using System.Text.Json.Nodes;
using Portico.Access;
using Portico.Tests.Tasks;
using Portico.Tests.TestSupport;
using Portico.Tests.Tools.Records;
using static Portico.Tests.Tools.Workflows.WorkflowWorld;

namespace Portico.Tests.Tools.Workflows;

/// <summary>execute_workflow as a task (the tasks extension): the task ends with the run, cancelling it cancels the run, and it is the caller's.</summary>
public sealed class WorkflowTaskTests
{
    [Fact]
    public async Task The_task_completes_with_the_runs_result_and_cancelling_it_cancels_the_run()
    {
        await using var world = await WorkflowWorld.StartAsync();
        var workflow = await DefineAsync(world.Owner, [Step("wait", "echo__hold"), Step("who", "echo__whoami")]);
        var calls = new TaskCalls(world.Server.CreateClient());

        // Without the extension: the run id at once, as before.
        var direct = TaskCalls.Result(await calls.SendAsync("tools/call", new JsonObject { ["name"] = "execute_workflow", ["arguments"] = new JsonObject { ["workflow_id"] = workflow } }, declareTasks: false));
        Assert.NotNull((string?)direct["structuredContent"]!["run_id"]);

        // Cancelling the task cancels the run (its first step is held).
        var cancelled = await calls.StartAsync("execute_workflow", new JsonObject { ["workflow_id"] = workflow });
        Assert.Equal("working", (string?)(await calls.GetAsync(cancelled))["status"]);
        // The task's call creates the run in the background: wait until list_runs shows it beside the direct one.
        var before = await Eventually.ReturnsAsync(
            async () => RecordsClient.Ok(await world.Owner.CallAsync("list_runs", new JsonObject { ["workflow_id"] = workflow }))["runs"]!.AsArray(),
            runs => runs.Count == 2, "the task's run listed beside the direct one");
        var cancelledRun = before.Select(r => (string)r!["run_id"]!).Single(id => id != (string?)direct["structuredContent"]!["run_id"]);
        TaskCalls.Result(await calls.SendAsync("tasks/cancel", new JsonObject { ["taskId"] = cancelled }));
        await WaitForAsync(world.Owner, cancelledRun, "cancelled");

        // As a task: working while the run holds, then completed with the run's result.
        var taskId = await calls.StartAsync("execute_workflow", new JsonObject { ["workflow_id"] = workflow });
        Assert.Equal("working", (string?)(await calls.GetAsync(taskId))["status"]);
        world.Upstream.ReleaseHeld();
        var done = await calls.UntilAsync(taskId, "completed");
        var result = done["result"]!.AsObject();
        Assert.Equal("succeeded", (string?)result["structuredContent"]!["status"]);
        Assert.Equal(2, result["structuredContent"]!["run"]!["steps"]!.AsArray().Count);

        // Another user's tasks/get and tasks/cancel: not found.
        await world.Server.AdminAsync(a => a.AddMemberAsync(world.Server.TenantId, "mallory@portico.test", "member", CancellationToken.None));
        var mallory = await world.Server.AdminAsync(a => a.CreateKeyAsync("mallory@portico.test", "attacker", null, new HashSet<string>(Scopes.AllAreaScopes), null, test: true, CancellationToken.None));
        var theirs = new TaskCalls(world.Server.CreateClient(mallory.Plaintext));
        Assert.Equal(-32602, TaskCalls.ErrorCode(await theirs.SendAsync("tasks/get", new JsonObject { ["taskId"] = taskId })));
        Assert.Equal(-32602, TaskCalls.ErrorCode(await theirs.SendAsync("tasks/cancel", new JsonObject { ["taskId"] = taskId })));
    }
}
