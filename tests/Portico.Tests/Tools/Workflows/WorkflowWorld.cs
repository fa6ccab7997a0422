using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portico.Storage;
using Portico.Tests.Gateway;
using Portico.Tests.TestSupport;
using Portico.Tests.Tools.Records;
using Portico.Tools.Workflows;

namespace Portico.Tests.Tools.Workflows;

/// <summary>
/// A Portico with the gateway's fake upstream <c>echo</c> (tools <c>echo__whoami</c> and <c>echo__hold</c>) and the
/// owner of its tenant connected; helpers to define, run and watch workflows.
/// </summary>
internal sealed class WorkflowWorld : IAsyncDisposable
{
    private WorkflowWorld(GatewayHarness gateway, CredentialEchoUpstream upstream, RecordsClient owner)
    {
        Gateway = gateway;
        Upstream = upstream;
        Owner = owner;
    }

    public GatewayHarness Gateway { get; }

    public PorticoTestServer Server => Gateway.Server;

    public CredentialEchoUpstream Upstream { get; }

    /// <summary>The test server's user (owner of its tenant), with its default key.</summary>
    public RecordsClient Owner { get; }

    public static async Task<WorkflowWorld> StartAsync(IReadOnlyDictionary<string, string?>? configuration = null)
    {
        var settings = new Dictionary<string, string?> { ["Portico:Workflows:PollInterval"] = "00:00:00.100" };
        foreach (var (key, value) in configuration ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var gateway = await GatewayHarness.StartAsync(configuration: settings);
        var upstream = await CredentialEchoUpstream.StartAsync();
        await gateway.AddAsync(new { name = "echo", url = upstream.Url.ToString() });
        await gateway.WaitUpAsync("echo");
        return new WorkflowWorld(gateway, upstream, await RecordsClient.ConnectAsync(gateway.Server));
    }

    /// <summary>Creates and activates a workflow of <paramref name="steps"/>; returns its id.</summary>
    public static async Task<string> DefineAsync(RecordsClient client, JsonArray steps, JsonObject? extra = null, bool activate = true)
    {
        var arguments = new JsonObject { ["name"] = "test flow", ["steps"] = steps };
        foreach (var (key, value) in extra ?? [])
        {
            arguments[key] = value?.DeepClone();
        }

        var created = RecordsClient.Ok(await client.CallAsync("create_workflow", arguments));
        var id = (string)created["workflow"]!["workflow_id"]!;
        if (activate)
        {
            RecordsClient.Ok(await client.CallAsync("activate_workflow", new JsonObject { ["workflow_id"] = id }));
        }

        return id;
    }

    public static async Task<string> ExecuteAsync(RecordsClient client, string workflowId, JsonObject? input = null)
    {
        var started = RecordsClient.Ok(await client.CallAsync("execute_workflow", new JsonObject { ["workflow_id"] = workflowId, ["input"] = input ?? [] }));
        return (string)started["run_id"]!;
    }

    public static async Task<JsonObject> RunAsync(RecordsClient client, string runId)
        => RecordsClient.Ok(await client.CallAsync("get_run_status", new JsonObject { ["run_id"] = runId }))["run"]!.AsObject();

    /// <summary>Polls get_run_status until the run reaches <paramref name="status"/>; returns the run.</summary>
    public static Task<JsonObject> WaitForAsync(RecordsClient client, string runId, string status)
        => Eventually.ReturnsAsync(() => RunAsync(client, runId), run => (string?)run["status"] == status, $"run {runId} to be {status}");

    public static JsonObject Step(string name, string tool, JsonObject? arguments = null) => new() { ["name"] = name, ["tool"] = tool, ["arguments"] = arguments ?? [] };

    public async Task<T> StoreAsync<T>(Func<PorticoDbContext, Task<T>> read)
    {
        await using var scope = Server.Services.CreateAsyncScope();
        return await read(scope.ServiceProvider.GetRequiredService<PorticoDbContext>());
    }

    public Task<List<WorkflowStepEntity>> StepsAsync(string runId)
        => StoreAsync(db => db.Set<WorkflowStepEntity>().AsNoTracking().Where(s => s.RunId == runId).OrderBy(s => s.StepIndex).ToListAsync());

    public async ValueTask DisposeAsync()
    {
        Owner.Dispose();
        Upstream.ReleaseHeld();
        await Gateway.DisposeAsync();
        await Upstream.DisposeAsync();
    }
}
