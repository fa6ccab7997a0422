using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Portico.Mcp;
using Portico.Tasks;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Tasks;

/// <summary>Two instances on one store (PostgreSQL with PORTICO_TEST_POSTGRES, else one SQLite file): a task is anyone's to read, answer and cancel.</summary>
public sealed class TasksAcrossInstancesTests
{
    [Fact]
    public async Task A_task_started_on_A_is_read_on_B_and_cancelled_from_B_stops_the_call_on_A()
    {
        await using var instances = await TwoInstances.StartAsync(services: s => s.AddMcpPack<TaskTestPack>());
        var viaA = new TaskCalls(instances.ClientA);
        var viaB = new TaskCalls(instances.ClientB);
        var packA = TaskTestPack.Of(instances.A.Services);

        var taskId = await viaA.StartAsync("wait-job");
        await Eventually.AssertAsync(() => packA.Running == 1, "the call to run on A");
        Assert.Equal("working", (string?)(await viaB.GetAsync(taskId))["status"]);

        TaskCalls.Result(await viaB.SendAsync("tasks/cancel", new JsonObject { ["taskId"] = taskId }));

        await Eventually.AssertAsync(() => packA.Running == 0 && packA.Cancelled == 1, "the call on A to be cancelled");
        var runnerA = instances.A.Services.GetRequiredService<TaskRunner>();
        await Eventually.AssertAsync(() => !runnerA.IsRunningHere(taskId), "A to let the task go");
        Assert.Equal("cancelled", (string?)(await viaA.GetAsync(taskId))["status"]);
        Assert.Equal("cancelled", (string?)(await viaB.GetAsync(taskId))["status"]);
    }

    [Fact]
    public async Task An_answer_delivered_on_B_resumes_the_task_running_on_A()
    {
        await using var instances = await TwoInstances.StartAsync(services: s => s.AddMcpPack<TaskTestPack>());
        var viaA = new TaskCalls(instances.ClientA);
        var viaB = new TaskCalls(instances.ClientB);

        var taskId = await viaA.StartAsync("ask-job");
        var parked = await viaB.UntilAsync(taskId, "input_required");
        var key = parked["inputRequests"]!.AsObject().Single().Key;
        await viaB.SendAsync("tasks/update", new JsonObject
        {
            ["taskId"] = taskId,
            ["inputResponses"] = new JsonObject { [key] = new JsonObject { ["action"] = "accept", ["content"] = new JsonObject { ["name"] = "Bea" } } },
        });

        var done = await viaB.UntilAsync(taskId, "completed");
        Assert.Equal("Hello, Bea!", (string?)done["result"]!["content"]![0]!["text"]);
    }
}
