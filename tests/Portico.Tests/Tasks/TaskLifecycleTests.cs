using System.Text.Json.Nodes;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Tasks;

/// <summary>The tasks extension end to end on the store the suite runs on (SQLite, or PostgreSQL with PORTICO_TEST_POSTGRES).</summary>
public sealed class TaskLifecycleTests
{
    [Fact]
    public async Task A_task_is_created_durably_read_while_working_and_completed_with_its_result_inlined()
    {
        await using var server = await PorticoTestServer.StartAsync(conformance: true);
        var calls = new TaskCalls(server.CreateClient());

        var created = await calls.CallAsync("slow_compute", new JsonObject { ["seconds"] = 1, ["label"] = "lifecycle" });
        Assert.Equal("task", (string?)created["resultType"]);
        Assert.Equal("working", (string?)created["status"]);
        Assert.Null(created["task"]);
        Assert.Null(created["requestState"]);
        Assert.True((long)created["ttlMs"]! > 0);
        var taskId = (string)created["taskId"]!;
        Assert.Matches("^task_[0-9a-f]{32}$", taskId);

        var working = await calls.GetAsync(taskId);
        Assert.Equal(taskId, (string?)working["taskId"]);
        Assert.Equal("complete", (string?)working["resultType"]);

        var completed = await calls.UntilAsync(taskId, "completed");
        Assert.Equal("Computed lifecycle", (string?)completed["result"]!["content"]![0]!["text"]);
        Assert.Null(completed["error"]);

        var audited = await Eventually.ReturnsAsync(
            () => TestStores.ScalarAsync(server.Settings.Store, $"SELECT COUNT(*) FROM audit_records WHERE task_id = '{taskId}' AND tool = 'slow_compute' AND outcome = 'ok'"),
            count => count == 1, "the task's audit record with its outcome");
        Assert.Equal(1, audited);
    }

    [Fact]
    public async Task Tool_errors_complete_protocol_errors_fail_and_cancel_is_an_idempotent_empty_ack()
    {
        await using var server = await PorticoTestServer.StartAsync(conformance: true);
        var calls = new TaskCalls(server.CreateClient());

        var toolError = await calls.UntilAsync(await calls.StartAsync("failing_job"), "completed");
        Assert.True((bool)toolError["result"]!["isError"]!);

        var protocolError = await calls.UntilAsync(await calls.StartAsync("protocol_error_job"), "failed");
        Assert.Equal(-32603, (int)protocolError["error"]!["code"]!);
        Assert.Null(protocolError["result"]);

        var running = await calls.StartAsync("slow_compute", new JsonObject { ["seconds"] = 600 });
        var ack = TaskCalls.Result(await calls.SendAsync("tasks/cancel", new JsonObject { ["taskId"] = running }));
        Assert.Equal("""{"resultType":"complete"}""", ack.Where(p => p.Key != "_meta").Aggregate(new JsonObject(), (o, p) => { o[p.Key] = p.Value?.DeepClone(); return o; }).ToJsonString());
        await calls.UntilAsync(running, "cancelled");
        var again = TaskCalls.Result(await calls.SendAsync("tasks/cancel", new JsonObject { ["taskId"] = running }));
        Assert.Equal("complete", (string?)again["resultType"]);
        Assert.Equal("cancelled", (string?)(await calls.GetAsync(running))["status"]);
        await Eventually.ReturnsAsync(
            () => TestStores.ScalarAsync(server.Settings.Store, $"SELECT COUNT(*) FROM audit_records WHERE task_id = '{running}' AND error_code = 'CANCELLED'"),
            count => count == 1, "the cancelled task's audit record");
    }

    [Fact]
    public async Task Input_requests_park_the_task_and_tasks_update_answers_them_one_at_a_time()
    {
        await using var server = await PorticoTestServer.StartAsync(conformance: true);
        var calls = new TaskCalls(server.CreateClient());

        var taskId = await calls.StartAsync("multi_input");
        var parked = await Eventually.ReturnsAsync(() => calls.GetAsync(taskId),
            t => (string?)t["status"] == "input_required" && t["inputRequests"]?.AsObject().Count == 2, "two input requests");
        var keys = parked["inputRequests"]!.AsObject().Select(p => p.Key).ToList();
        Assert.Equal("elicitation/create", (string?)parked["inputRequests"]![keys[0]]!["method"]);

        var answer = new JsonObject { ["action"] = "accept", ["content"] = new JsonObject { ["confirm"] = true } };
        var ack = TaskCalls.Result(await calls.SendAsync("tasks/update", new JsonObject { ["taskId"] = taskId, ["inputResponses"] = new JsonObject { [keys[0]] = answer.DeepClone() } }));
        Assert.Equal("complete", (string?)ack["resultType"]);
        Assert.Null(ack["status"]);
        var half = await calls.GetAsync(taskId);
        Assert.Equal("input_required", (string?)half["status"]);
        Assert.Equal([keys[1]], half["inputRequests"]!.AsObject().Select(p => p.Key));

        await calls.SendAsync("tasks/update", new JsonObject { ["taskId"] = taskId, ["inputResponses"] = new JsonObject { [keys[1]] = answer.DeepClone() } });
        var done = await calls.UntilAsync(taskId, "completed");
        Assert.Contains("Both inputs received", (string?)done["result"]!["content"]![0]!["text"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_the_extension_task_methods_are_refused_and_tools_answer_directly()
    {
        await using var server = await PorticoTestServer.StartAsync(conformance: true);
        var calls = new TaskCalls(server.CreateClient());

        var direct = await calls.CallAsync("slow_compute", new JsonObject { ["seconds"] = 0, ["label"] = "sync" }, declareTasks: false);
        Assert.Equal("Computed sync", (string?)direct["content"]![0]!["text"]);
        Assert.Null(direct["taskId"]);

        var required = await calls.SendAsync("tools/call", new JsonObject { ["name"] = "failing_job", ["arguments"] = new JsonObject() }, declareTasks: false);
        Assert.Equal(-32021, TaskCalls.ErrorCode(required));
        Assert.NotNull(required["error"]!["data"]!["requiredCapabilities"]!["extensions"]![TaskCalls.Extension]);

        foreach (var method in new[] { "tasks/get", "tasks/cancel" })
        {
            Assert.Equal(-32021, TaskCalls.ErrorCode(await calls.SendAsync(method, new JsonObject { ["taskId"] = "task_x" }, declareTasks: false)));
        }

        Assert.Equal(-32601, TaskCalls.ErrorCode(await calls.SendAsync("tasks/list", new JsonObject())));
        Assert.Equal(-32601, TaskCalls.ErrorCode(await calls.SendAsync("tasks/result", new JsonObject { ["taskId"] = "task_x" })));

        var greeting = await calls.CallAsync("greet", new JsonObject { ["name"] = "legacy" });
        Assert.Equal("Hello, legacy!", (string?)greeting["content"]![0]!["text"]);
    }
}
