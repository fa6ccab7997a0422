using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portico.Mcp;
using Portico.Policy.Approvals;
using Portico.Storage;
using Portico.Tests.Policy.Approvals;
using Portico.Tests.TestSupport;
using Portico.Tests.Tools.Records;
using Portico.Tools.Workflows;
using static Portico.Tests.Tools.Workflows.WorkflowWorld;

namespace Portico.Tests.Tools.Workflows;

/// <summary>
/// A step whose tool needs approval puts its run in <c>waiting_approval</c> without a lease; approving it makes the run
/// continue with exactly the arguments the approval holds, denying it fails the run naming the step, and cancelling the
/// run cancels the approval. The attack: the run's input is changed while it waits, and the step still runs the approved
/// arguments (it is not rendered again).
/// </summary>
public sealed class WorkflowApprovalTests
{
    /// <summary>A fresh definition each time (a node has one parent).</summary>
    private static JsonArray Steps() =>
    [
        Step("note", ApprovalTestPack.Plain, new JsonObject { ["to"] = "{{ input.to }}" }),
        Step("pay", ApprovalTestPack.Gated, new JsonObject { ["to"] = "{{ input.to }}", ["amount"] = 5, ["memo"] = "{{ steps.note.output.text }}" }),
    ];

    [Fact]
    public async Task An_approved_step_continues_with_exactly_the_approved_arguments_even_when_the_input_changed_meanwhile()
    {
        await using var server = await StartAsync();
        using var owner = await RecordsClient.ConnectAsync(server);
        var runId = await ExecuteAsync(owner, await DefineAsync(owner, Steps()), new JsonObject { ["to"] = "acct-1" });
        var waiting = await WaitForAsync(owner, runId, RunStatuses.WaitingApproval);
        var approvalId = (string)waiting["approval"]!["approval_id"]!;
        Assert.Equal("pay", (string?)waiting["approval"]!["step"]);
        Assert.Contains(ApprovalGate.PortalPath + "#approval-" + approvalId, (string?)waiting["approval"]!["link"], StringComparison.Ordinal);
        Assert.Equal(StepStatuses.WaitingApproval, (string?)waiting["steps"]![1]!["status"]);

        var expected = new JsonObject { ["to"] = "acct-1", ["amount"] = 5, ["memo"] = "send_note ran for acct-1" };
        var approval = await StoreAsync(server, db => db.Set<ApprovalRecord>().AsNoTracking().SingleAsync(a => a.Id == approvalId));
        Assert.True(JsonNode.DeepEquals(expected, JsonNode.Parse(approval.Arguments)));
        Assert.Contains(runId, approval.RequestId, StringComparison.Ordinal);
        var run = await StoreAsync(server, db => db.Set<WorkflowRunEntity>().AsNoTracking().SingleAsync(r => r.Id == runId));
        Assert.Null(run.LeaseHolder);

        // The attacker's move: change what the step would render to while it waits.
        await StoreAsync(server, db => db.Set<WorkflowRunEntity>().Where(r => r.Id == runId)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.Input, """{"to":"attacker"}"""), TestContext.Current.CancellationToken));

        using var admin = server.CreateClient();
        using var approved = await admin.PostAsync($"/admin/api/approvals/{approvalId}/approve", null, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        var done = await WaitForAsync(owner, runId, RunStatuses.Succeeded);
        Assert.Equal("transfer_funds ran for acct-1", (string?)done["steps"]![1]!["output"]!["text"]);
        var paid = Assert.Single(ApprovalTestPack.Of(server.Services).Runs, r => r.Tool == ApprovalTestPack.Gated);
        Assert.True(JsonNode.DeepEquals(expected, JsonNode.Parse(paid.Arguments)));
        var used = await StoreAsync(server, db => db.Set<ApprovalRecord>().AsNoTracking().SingleAsync(a => a.Id == approvalId));
        Assert.NotNull(used.ConsumedAt);
    }

    [Fact]
    public async Task A_denied_step_fails_the_run_naming_the_step_and_the_tool_never_runs()
    {
        await using var server = await StartAsync();
        using var owner = await RecordsClient.ConnectAsync(server);
        var runId = await ExecuteAsync(owner, await DefineAsync(owner, Steps()), new JsonObject { ["to"] = "acct-1" });
        var approvalId = (string)(await WaitForAsync(owner, runId, RunStatuses.WaitingApproval))["approval"]!["approval_id"]!;

        using var admin = server.CreateClient();
        using var denied = await admin.PostAsync($"/admin/api/approvals/{approvalId}/deny", null, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, denied.StatusCode);
        var failed = await WaitForAsync(owner, runId, RunStatuses.Failed);
        Assert.Equal("pay", (string?)failed["failed_step"]);
        Assert.Contains(ApprovalGate.Denied, (string?)failed["error"], StringComparison.Ordinal);
        Assert.Equal(ApprovalGate.Denied, (string?)failed["steps"]![1]!["error"]!["code"]);
        Assert.DoesNotContain(ApprovalTestPack.Of(server.Services).Runs, r => r.Tool == ApprovalTestPack.Gated);
    }

    [Fact]
    public async Task Cancelling_a_waiting_run_cancels_its_approval()
    {
        await using var server = await StartAsync();
        using var owner = await RecordsClient.ConnectAsync(server);
        var runId = await ExecuteAsync(owner, await DefineAsync(owner, Steps()), new JsonObject { ["to"] = "acct-1" });
        var approvalId = (string)(await WaitForAsync(owner, runId, RunStatuses.WaitingApproval))["approval"]!["approval_id"]!;

        RecordsClient.Ok(await owner.CallAsync("cancel_run", new JsonObject { ["run_id"] = runId }));
        var cancelled = await RunAsync(owner, runId);
        Assert.Equal(RunStatuses.Cancelled, (string?)cancelled["status"]);
        Assert.Equal("CANCELLED", (string?)cancelled["steps"]![1]!["error"]!["code"]);
        var approval = await StoreAsync(server, db => db.Set<ApprovalRecord>().AsNoTracking().SingleAsync(a => a.Id == approvalId));
        Assert.Equal(ApprovalStatuses.Cancelled, approval.Status);

        using var admin = server.CreateClient();
        using var late = await admin.PostAsync($"/admin/api/approvals/{approvalId}/approve", null, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
        Assert.DoesNotContain(ApprovalTestPack.Of(server.Services).Runs, r => r.Tool == ApprovalTestPack.Gated);
    }

    private static Task<PorticoTestServer> StartAsync() => PorticoTestServer.StartAsync(
        configuration: new Dictionary<string, string?> { ["Portico:Workflows:PollInterval"] = "00:00:00.100" },
        services: s => s.AddMcpPack<ApprovalTestPack>());

    private static async Task<T> StoreAsync<T>(PorticoTestServer server, Func<PorticoDbContext, Task<T>> read)
    {
        await using var scope = server.Services.CreateAsyncScope();
        return await read(scope.ServiceProvider.GetRequiredService<PorticoDbContext>());
    }
}
