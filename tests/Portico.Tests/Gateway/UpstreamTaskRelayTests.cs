using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portico.Storage;
using Portico.Tasks;
using Portico.Tests.Tasks;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Gateway;

/// <summary>
/// Upstream tasks relayed as Portico tasks (docs/gateway.md, "Upstream tasks"): a second Portico serving the conformance
/// fixture, whose task tools run as tasks, behind a first Portico's gateway; a 2026-07-28 client over raw HTTP.
/// </summary>
public sealed class UpstreamTaskRelayTests
{
    [Fact]
    public async Task A_client_runs_reads_answers_cancels_and_sees_fail_upstream_tasks_through_Portico_task_ids()
    {
        await using var upstream = await PorticoTestServer.StartAsync(conformance: true);
        await using var gateway = await GatewayHarness.StartAsync();
        await gateway.AddAsync(new { name = "up", url = upstream.McpEndpoint.ToString() });
        await gateway.WaitUpAsync("up");
        using var http = gateway.Server.CreateClient();
        var calls = new TaskCalls(http);

        // A task-supporting tool becomes a Portico task; it is read to completion through Portico.
        var computed = await calls.StartAsync("up__slow_compute", new JsonObject { ["seconds"] = 1, ["label"] = "relayed" });
        Assert.StartsWith("task_", computed, StringComparison.Ordinal);
        var done = await calls.UntilAsync(computed, "completed");
        Assert.Equal(computed, (string?)done["taskId"]);
        Assert.Contains("relayed", done["result"]!.ToJsonString(), StringComparison.Ordinal);

        // A sync tool answers at once, as for any client.
        var greeting = await calls.CallAsync("up__greet", new JsonObject { ["name"] = "Ada" });
        Assert.NotEqual("task", (string?)greeting["resultType"]);
        Assert.Contains("Hello, Ada!", greeting.ToJsonString(), StringComparison.Ordinal);

        // Cancelled here and upstream.
        var slow = await calls.StartAsync("up__slow_compute", new JsonObject { ["seconds"] = 60, ["label"] = "cancel-me" });
        Assert.Equal("complete", (string?)TaskCalls.Result(await calls.SendAsync("tasks/cancel", new JsonObject { ["taskId"] = slow }))["resultType"]);
        Assert.Equal("cancelled", (string?)(await calls.GetAsync(slow))["status"]);
        var slowUpstreamId = await UpstreamIdAsync(gateway, slow);
        await using (var scope = upstream.Services.CreateAsyncScope())
        {
            var upstreamTask = await scope.ServiceProvider.GetRequiredService<PorticoDbContext>().Set<TaskRecord>().SingleAsync(t => t.Id == slowUpstreamId, TestContext.Current.CancellationToken);
            Assert.Equal("cancelled", upstreamTask.Status);
        }

        // An input request of the upstream task is answered with tasks/update on Portico's task.
        var confirm = await calls.StartAsync("up__confirm_delete", new JsonObject { ["filename"] = "relay.txt" });
        var waiting = await calls.UntilAsync(confirm, "input_required");
        var key = Assert.Single(waiting["inputRequests"]!.AsObject()).Key;
        Assert.Equal("elicitation/create", (string?)waiting["inputRequests"]![key]!["method"]);
        var answers = new JsonObject { [key] = new JsonObject { ["action"] = "accept", ["content"] = new JsonObject { ["confirm"] = true } } };
        Assert.Equal("complete", (string?)TaskCalls.Result(await calls.SendAsync("tasks/update", new JsonObject { ["taskId"] = confirm, ["inputResponses"] = answers }))["resultType"]);
        var confirmed = await calls.UntilAsync(confirm, "completed");
        Assert.Contains("relay.txt", confirmed["result"]!.ToJsonString(), StringComparison.Ordinal);

        // A tool error completes the task with the upstream's error result; a failed upstream task fails Portico's with its message.
        var erring = await calls.StartAsync("up__failing_job");
        var erred = await calls.UntilAsync(erring, "completed");
        Assert.True((bool?)erred["result"]!["isError"]);
        Assert.Contains("JOB_FAILED", erred["result"]!.ToJsonString(), StringComparison.Ordinal);
        var failing = await calls.StartAsync("up__protocol_error_job");
        var failed = await calls.UntilAsync(failing, "failed");
        Assert.Contains("deliberate failure", (string?)failed["error"]!["message"], StringComparison.Ordinal);
        Assert.Contains("deliberate failure", (string?)failed["statusMessage"], StringComparison.Ordinal);

        // The upstream's ids never reach the client, and Portico's are not the upstream's.
        foreach (var id in new[] { computed, slow, confirm, erring, failing })
        {
            var upstreamId = await UpstreamIdAsync(gateway, id);
            Assert.NotEqual(id, upstreamId);
            Assert.DoesNotContain(upstreamId, (await calls.GetAsync(id)).ToJsonString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Another_instance_relays_the_task_and_a_client_without_the_extension_gets_minus_32021_for_a_task_only_tool()
    {
        await using var upstream = await PorticoTestServer.StartAsync(conformance: true);
        await using var gateway = await GatewayHarness.StartAsync();
        await gateway.AddAsync(new { name = "up", url = upstream.McpEndpoint.ToString() });
        await gateway.WaitUpAsync("up");
        await using var peer = await gateway.Server.StartPeerAsync();
        using var http = gateway.Server.CreateClient();
        using var peerHttp = peer.CreateClient(gateway.Server.ApiKey);

        var id = await new TaskCalls(http).StartAsync("up__slow_compute", new JsonObject { ["seconds"] = 1, ["label"] = "peer" });
        var done = await new TaskCalls(peerHttp).UntilAsync(id, "completed");
        Assert.Contains("peer", done["result"]!.ToJsonString(), StringComparison.Ordinal);

        var refused = await new TaskCalls(http).SendAsync("tools/call", new JsonObject { ["name"] = "up__failing_job", ["arguments"] = new JsonObject() }, declareTasks: false);
        Assert.Equal(-32021, TaskCalls.ErrorCode(refused));
        Assert.NotNull(refused["error"]!["data"]?["requiredCapabilities"]?["extensions"]?[TaskCalls.Extension]);
    }

    [Fact]
    public async Task Another_users_credential_and_the_upstreams_own_task_id_get_the_unknown_id_answer()
    {
        await using var upstream = await PorticoTestServer.StartAsync(conformance: true);
        await using var gateway = await GatewayHarness.StartAsync();
        await gateway.AddAsync(new { name = "up", url = upstream.McpEndpoint.ToString() });
        await gateway.WaitUpAsync("up");
        using var http = gateway.Server.CreateClient();
        var owner = new TaskCalls(http);
        var id = await owner.StartAsync("up__slow_compute", new JsonObject { ["seconds"] = 60, ["label"] = "private" });
        using var mallory = await CredentialUser.AddAsync(gateway.Server, "mallory@portico.test");
        using var malloryHttp = gateway.Server.CreateClient(mallory.ApiKey);
        var attacker = new TaskCalls(malloryHttp);
        var upstreamId = await UpstreamIdAsync(gateway, id);

        foreach (var (calls, taskId) in new[] { (attacker, id), (attacker, upstreamId), (owner, upstreamId) })
        {
            foreach (var method in new[] { "tasks/get", "tasks/cancel" })
            {
                var answer = await calls.SendAsync(method, new JsonObject { ["taskId"] = taskId });
                Assert.Equal(-32602, TaskCalls.ErrorCode(answer));
                Assert.Contains("Unknown task id", (string?)answer["error"]!["message"], StringComparison.Ordinal);
            }

            var update = await calls.SendAsync("tasks/update", new JsonObject { ["taskId"] = taskId, ["inputResponses"] = new JsonObject() });
            Assert.Equal(-32602, TaskCalls.ErrorCode(update));
        }

        // The owner's task was not touched by any of it.
        Assert.Equal("working", (string?)(await owner.GetAsync(id))["status"]);
        await owner.SendAsync("tasks/cancel", new JsonObject { ["taskId"] = id });
    }

    private static async Task<string> UpstreamIdAsync(GatewayHarness gateway, string taskId)
    {
        await using var scope = gateway.Server.Services.CreateAsyncScope();
        var task = await scope.ServiceProvider.GetRequiredService<PorticoDbContext>().Set<TaskRecord>().SingleAsync(t => t.Id == taskId, TestContext.Current.CancellationToken);
        return task.UpstreamTaskId ?? throw new InvalidOperationException($"task {taskId} relays nothing");
    }
}
