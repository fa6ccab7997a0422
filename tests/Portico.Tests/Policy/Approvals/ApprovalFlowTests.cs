using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portico.Access;
using Portico.Mcp;
using Portico.Policy.Approvals;
using Portico.Storage;
using Portico.Tests.Gateway;
using Portico.Tests.Tasks;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Policy.Approvals;

/// <summary>
/// Approval-gated calls end to end over MCP and the admin API, on the suite's store: a task waits for the decision and runs
/// exactly the stored arguments once; a denial, an expiry and an edited row end it without running the tool; a client
/// without tasks calls again once approved. Exploits: a member, another tenant's owner, a second approval.
/// </summary>
public sealed partial class ApprovalFlowTests
{
    private static readonly JsonObject Transfer = new() { ["to"] = "acct-1", ["amount"] = 5, ["memo"] = "rent <b>march</b> \"q\" ü" };

    [Fact]
    public async Task An_approved_task_runs_exactly_the_stored_arguments_once_and_a_second_approval_is_a_conflict()
    {
        await using var server = await StartAsync();
        var calls = new TaskCalls(server.CreateClient());
        var taskId = await calls.StartAsync(ApprovalTestPack.Gated, Transfer.DeepClone().AsObject());
        var approvalId = await PendingApprovalAsync(calls, taskId);
        var pack = ApprovalTestPack.Of(server.Services);
        Assert.Empty(pack.Runs);

        using var owner = server.CreateClient();
        var listed = await owner.GetFromJsonAsync<JsonObject>("/admin/api/approvals?status=pending", TestContext.Current.CancellationToken);
        var shown = listed!["approvals"]!.AsArray().Single(a => (string?)a!["id"] == approvalId)!;
        Assert.Equal(ApprovalTestPack.Gated, (string?)shown["tool"]);
        Assert.True(JsonNode.DeepEquals(Transfer, shown["arguments"]));
        Assert.Equal(PorticoTestServer.UserEmail, (string?)shown["caller"]);

        using var approved = await owner.PostAsync($"/admin/api/approvals/{approvalId}/approve", null, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        var completed = await calls.UntilAsync(taskId, "completed");
        Assert.Equal("transfer_funds ran for acct-1", (string?)completed["result"]!["content"]![0]!["text"]);
        Assert.NotEqual(true, (bool?)completed["result"]!["isError"]);
        var run = Assert.Single(pack.Runs);
        Assert.True(JsonNode.DeepEquals(Transfer, JsonNode.Parse(run.Arguments)));

        using var again = await owner.PostAsync($"/admin/api/approvals/{approvalId}/approve", null, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        using var deny = await owner.PostAsync($"/admin/api/approvals/{approvalId}/deny", null, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Conflict, deny.StatusCode);
        var after = await owner.GetFromJsonAsync<JsonObject>($"/admin/api/approvals/{approvalId}", TestContext.Current.CancellationToken);
        Assert.Equal("approved", (string?)after!["status"]);
        Assert.True((bool?)after["ran"]);
        Assert.Single(pack.Runs);

        // Nothing changes an approval's arguments: no method of the API takes them.
        using var rewrite = await owner.PutAsJsonAsync($"/admin/api/approvals/{approvalId}", new { arguments = new { to = "attacker" } }, TestContext.Current.CancellationToken);
        Assert.False(rewrite.IsSuccessStatusCode);
    }

    [Fact]
    public async Task A_denied_task_ends_APPROVAL_DENIED_and_the_tool_never_runs()
    {
        await using var server = await StartAsync();
        var calls = new TaskCalls(server.CreateClient());
        var taskId = await calls.StartAsync(ApprovalTestPack.Gated, Transfer.DeepClone().AsObject());
        var approvalId = await PendingApprovalAsync(calls, taskId);

        using var owner = server.CreateClient();
        using var denied = await owner.PostAsync($"/admin/api/approvals/{approvalId}/deny", null, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, denied.StatusCode);
        var ended = await calls.UntilAsync(taskId, "completed");
        Assert.True((bool?)ended["result"]!["isError"]);
        Assert.Equal(ApprovalGate.Denied, (string?)ended["result"]!["structuredContent"]!["error"]!["code"]);
        Assert.Empty(ApprovalTestPack.Of(server.Services).Runs);
        using var approveAfter = await owner.PostAsync($"/admin/api/approvals/{approvalId}/approve", null, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Conflict, approveAfter.StatusCode);
    }

    [Fact]
    public async Task A_client_without_tasks_is_told_the_request_is_pending_and_its_repeated_call_runs_once_after_approval()
    {
        await using var server = await StartAsync();
        var calls = new TaskCalls(server.CreateClient());
        var first = await calls.CallAsync(ApprovalTestPack.Gated, Transfer.DeepClone().AsObject(), declareTasks: false);
        Assert.True((bool?)first["isError"]);
        var error = first["structuredContent"]!["error"]!;
        Assert.Equal(ApprovalGate.Pending, (string?)error["code"]);
        var approvalId = (string)error["details"]!["approvalId"]!;
        Assert.EndsWith($"/portal/approvals#approval-{approvalId}", (string?)error["details"]!["link"], StringComparison.Ordinal);
        Assert.Contains(approvalId, (string?)first["content"]![0]!["text"], StringComparison.Ordinal);

        var repeated = await calls.CallAsync(ApprovalTestPack.Gated, Transfer.DeepClone().AsObject(), declareTasks: false);
        Assert.Equal(approvalId, (string?)repeated["structuredContent"]!["error"]!["details"]!["approvalId"]);
        var other = await calls.CallAsync(ApprovalTestPack.Gated, new JsonObject { ["to"] = "acct-2" }, declareTasks: false);
        Assert.NotEqual(approvalId, (string?)other["structuredContent"]!["error"]!["details"]!["approvalId"]);

        using var owner = server.CreateClient();
        using var approved = await owner.PostAsync($"/admin/api/approvals/{approvalId}/approve", null, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        var ran = await calls.CallAsync(ApprovalTestPack.Gated, Transfer.DeepClone().AsObject(), declareTasks: false);
        Assert.Equal("transfer_funds ran for acct-1", (string?)ran["content"]![0]!["text"]);
        var next = await calls.CallAsync(ApprovalTestPack.Gated, Transfer.DeepClone().AsObject(), declareTasks: false);
        Assert.Equal(ApprovalGate.Pending, (string?)next["structuredContent"]!["error"]!["code"]);
        Assert.NotEqual(approvalId, (string?)next["structuredContent"]!["error"]!["details"]!["approvalId"]);
        Assert.Single(ApprovalTestPack.Of(server.Services).Runs);
    }

    [Fact]
    public async Task Arguments_edited_in_the_store_after_the_request_are_refused_by_the_seal_and_the_tool_does_not_run()
    {
        await using var server = await StartAsync();
        var calls = new TaskCalls(server.CreateClient());
        var taskId = await calls.StartAsync(ApprovalTestPack.Gated, Transfer.DeepClone().AsObject());
        var approvalId = await PendingApprovalAsync(calls, taskId);

        // What someone with write access to the database (not to the key ring) could do: change the arguments and their hash.
        const string Forged = """{"to":"attacker","amount":5000}""";
        await using (var scope = server.Services.CreateAsyncScope())
        {
            var changed = await scope.ServiceProvider.GetRequiredService<PorticoDbContext>().Set<ApprovalRecord>().Where(a => a.Id == approvalId)
                .ExecuteUpdateAsync(s => s.SetProperty(a => a.Arguments, Forged).SetProperty(a => a.ArgumentsHash, ApprovalSeal.Hash(Forged)), TestContext.Current.CancellationToken);
            Assert.Equal(1, changed);
        }

        using var owner = server.CreateClient();
        using var approved = await owner.PostAsync($"/admin/api/approvals/{approvalId}/approve", null, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        var ended = await calls.UntilAsync(taskId, "completed");
        Assert.Equal(ApprovalGate.Tampered, (string?)ended["result"]!["structuredContent"]!["error"]!["code"]);
        Assert.Empty(ApprovalTestPack.Of(server.Services).Runs);
    }

    [Fact]
    public async Task A_member_another_tenants_owner_and_a_made_up_id_get_404_and_an_expired_request_cannot_be_approved()
    {
        await using var server = await StartAsync();
        var calls = new TaskCalls(server.CreateClient());
        var taskId = await calls.StartAsync(ApprovalTestPack.Gated, Transfer.DeepClone().AsObject());
        var approvalId = await PendingApprovalAsync(calls, taskId);

        using var member = await CredentialUser.AddAsync(server, "member@portico.test");
        var other = await server.AdminAsync(a => a.CreateTenantAsync("Other team", "basic", CancellationToken.None));
        await server.AdminAsync(a => a.AddMemberAsync(other.Id, "other-owner@portico.test", "owner", CancellationToken.None));
        var otherKey = await server.AdminAsync(a => a.CreateKeyAsync("other-owner@portico.test", "tests", null, new HashSet<string>(Scopes.AllAreaScopes), null, test: true, CancellationToken.None));
        using var otherOwner = server.CreateClient(otherKey.Plaintext);
        using var memberClient = server.CreateClient(member.ApiKey);
        foreach (var attacker in new[] { memberClient, otherOwner })
        {
            using var approve = await attacker.PostAsync($"/admin/api/approvals/{approvalId}/approve", null, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.NotFound, approve.StatusCode);
            using var read = await attacker.GetAsync($"/admin/api/approvals/{approvalId}", TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
            var listed = await attacker.GetFromJsonAsync<JsonObject>("/admin/api/approvals", TestContext.Current.CancellationToken);
            Assert.Empty(listed!["approvals"]!.AsArray());
        }

        using var owner = server.CreateClient();
        using var madeUp = await owner.PostAsync("/admin/api/approvals/apr_00000000000000000000000000000000/approve", null, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NotFound, madeUp.StatusCode);
        using var badStatus = await owner.GetAsync("/admin/api/approvals?status=%3Cscript%3E", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, badStatus.StatusCode);

        server.Clock.Advance(TimeSpan.FromHours(25));
        var ended = await calls.UntilAsync(taskId, "completed");
        Assert.Equal(ApprovalGate.Expired, (string?)ended["result"]!["structuredContent"]!["error"]!["code"]);
        using var late = await owner.PostAsync($"/admin/api/approvals/{approvalId}/approve", null, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
        Assert.Empty(ApprovalTestPack.Of(server.Services).Runs);
    }

    [Fact]
    public async Task A_tenant_rule_set_by_the_owner_gates_any_tool_and_a_member_cannot_set_one()
    {
        await using var server = await StartAsync();
        var calls = new TaskCalls(server.CreateClient());
        var path = $"/admin/api/tenants/{server.TenantId}/approval-tools";
        using var member = await CredentialUser.AddAsync(server, "member@portico.test");
        using var byMember = await member.PutAsync($"{path}/{ApprovalTestPack.Plain}", new { });
        Assert.Equal(HttpStatusCode.Forbidden, byMember.StatusCode);

        using var owner = server.CreateClient();
        using var unknown = await owner.PutAsJsonAsync($"{path}/no_such_tool", new { }, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        using var added = await owner.PutAsJsonAsync($"{path}/{ApprovalTestPack.Plain}", new { }, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        var rules = await owner.GetFromJsonAsync<JsonObject>(path, TestContext.Current.CancellationToken);
        Assert.Equal(ApprovalTestPack.Plain, (string?)rules!["tools"]![0]!["tool"]);

        var held = await calls.CallAsync(ApprovalTestPack.Plain, new JsonObject { ["to"] = "team" }, declareTasks: false);
        Assert.Equal(ApprovalGate.Pending, (string?)held["structuredContent"]!["error"]!["code"]);
        // A task-capable client gets a task for it, though the tool itself does not run as one.
        var taskId = await calls.StartAsync(ApprovalTestPack.Plain, new JsonObject { ["to"] = "team" });
        await PendingApprovalAsync(calls, taskId);
        Assert.Empty(ApprovalTestPack.Of(server.Services).Runs);

        using var removed = await owner.DeleteAsync($"{path}/{ApprovalTestPack.Plain}", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        var ran = await calls.CallAsync(ApprovalTestPack.Plain, new JsonObject { ["to"] = "team" }, declareTasks: false);
        Assert.Equal("send_note ran for team", (string?)ran["content"]![0]!["text"]);
    }

    internal static Task<PorticoTestServer> StartAsync() => PorticoTestServer.StartAsync(services: s => s.AddMcpPack<ApprovalTestPack>());

    /// <summary>Waits until the task says it waits for an approval; returns the approval's id.</summary>
    internal static async Task<string> PendingApprovalAsync(TaskCalls calls, string taskId)
    {
        var waiting = await Eventually.ReturnsAsync(() => calls.GetAsync(taskId),
            t => ((string?)t["statusMessage"])?.Contains(ApprovalGate.Pending, StringComparison.Ordinal) == true, $"task {taskId} to wait for approval");
        Assert.Equal("working", (string?)waiting["status"]);
        return ApprovalId().Match((string)waiting["statusMessage"]!).Value;
    }

    [GeneratedRegex("apr_[0-9a-f]{32}")]
    private static partial Regex ApprovalId();
}
