using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Portico.Mcp;
using Portico.Tests.Policy.Approvals;
using Portico.Tests.Tasks;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Cli;

/// <summary><c>portico approvals</c> on a running server's store: list shows the waiting call with its arguments, approve runs it once, a second decision is refused.</summary>
public sealed class ApprovalsCliTests
{
    [Fact]
    public async Task The_operator_lists_and_approves_a_waiting_call_and_the_task_completes()
    {
        await using var server = await PorticoTestServer.StartAsync(services: s => s.AddMcpPack<ApprovalTestPack>());
        // The CLI reads the system clock; the server's fake one is set to it so both agree on what has expired.
        server.Clock.Advance(DateTimeOffset.UtcNow - server.Clock.GetUtcNow());
        var calls = new TaskCalls(server.CreateClient());
        var taskId = await calls.StartAsync(ApprovalTestPack.Gated, new JsonObject { ["to"] = "acct-cli", ["amount"] = 3 });
        var approvalId = await ApprovalFlowTests.PendingApprovalAsync(calls, taskId);

        var listed = await CliSandbox.RunOnStoreAsync(server.Settings.Store, "approvals", "list", "--json");
        Assert.Equal(0, listed.ExitCode);
        var shown = listed.Json.AsArray().Single(a => (string?)a!["id"] == approvalId)!;
        Assert.Equal("acct-cli", (string?)shown["arguments"]!["to"]);

        var approved = await CliSandbox.RunOnStoreAsync(server.Settings.Store, "approvals", "approve", "--id", approvalId);
        Assert.Equal(0, approved.ExitCode);
        var completed = await calls.UntilAsync(taskId, "completed");
        Assert.Equal("transfer_funds ran for acct-cli", (string?)completed["result"]!["content"]![0]!["text"]);

        var again = await CliSandbox.RunOnStoreAsync(server.Settings.Store, "approvals", "deny", "--id", approvalId);
        Assert.NotEqual(0, again.ExitCode);
        Assert.Single(ApprovalTestPack.Of(server.Services).Runs);
    }
}
