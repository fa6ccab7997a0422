using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Portico.Tests.Gateway;
using Portico.Tests.TestSupport;
using Portico.Tools.Records;
using Portico.Tools.Workflows;
using static Portico.Tests.Tools.Workflows.WorkflowWorld;

namespace Portico.Tests.Tools.Workflows;

/// <summary>
/// An engine renews the leases of the runs it works on, and only those: a run it stopped working on without ending it
/// (its step's record lost the compare-and-set, or the executor failed) is left to its lease and then continued, even
/// while other runs keep the engine renewing.
/// </summary>
public sealed class WorkflowLeaseTests
{
    [Fact]
    public async Task A_run_the_engine_gave_up_without_ending_it_is_continued_once_its_lease_runs_out_while_other_runs_keep_the_engine_renewing()
    {
        // The engine renews on real time (every third of the lease), and leases run out on the test's clock, which is
        // moved below as real time passes: so renewals keep up with it exactly as they would in production.
        await using var world = await WorkflowWorld.StartAsync(new Dictionary<string, string?> { ["Portico:Workflows:LeaseDuration"] = "00:00:03" });
        // A second upstream whose hold keeps another run in progress on this engine for the whole test, so it renews leases.
        await using var busy = await CredentialEchoUpstream.StartAsync();
        await world.Gateway.AddAsync(new { name = "busy", url = busy.Url.ToString(), timeoutSeconds = 86400 });
        await world.Gateway.WaitUpAsync("busy");
        var busyRun = await ExecuteAsync(world.Owner, await DefineAsync(world.Owner, [Step("wait", "busy__hold")]));
        await Eventually.AssertAsync(() => busy.Held == 1, "the other run to be calling its upstream");

        var workflow = await DefineAsync(world.Owner, [
            Step("wait", "echo__hold"),
            Step("after", "create-record", new JsonObject { ["collection"] = "after_give_up", ["data"] = new JsonObject { ["saw"] = "{{ steps.wait.output.text }}" } }),
        ]);
        var runId = await ExecuteAsync(world.Owner, workflow);
        await Eventually.AssertAsync(() => world.Upstream.Held == 1, "the first step to be calling the upstream");

        // While the call is in progress the step's completion is recorded elsewhere (as a stalled former holder racing a
        // takeover can): this engine's record loses the compare-and-set and it gives the run up, the row still naming it.
        var now = world.Server.Clock.GetUtcNow();
        Assert.Equal(1, await world.StoreAsync(db => db.Set<WorkflowStepEntity>()
            .Where(s => s.RunId == runId && s.StepIndex == 0 && s.Status == StepStatuses.Running)
            .ExecuteUpdateAsync(s => s
                .SetProperty(x => x.Status, StepStatuses.Succeeded)
                .SetProperty(x => x.Output, """{"text":"recorded elsewhere"}""")
                .SetProperty(x => x.FinishedAt, now), TestContext.Current.CancellationToken)));
        world.Upstream.ReleaseHeld();
        await Eventually.AssertAsync(() => world.Upstream.Held == 0, "the held call to answer");

        // Time passes; the given-up run's lease is not renewed, runs out, and the run is continued from its recorded step.
        var real = Stopwatch.StartNew();
        var advanced = TimeSpan.Zero;
        await Eventually.AssertAsync(async () =>
        {
            var passed = real.Elapsed - advanced;
            world.Server.Clock.Advance(passed);
            advanced += passed;
            return (string?)(await RunAsync(world.Owner, runId))["status"] == "succeeded";
        }, "the run given up by the engine to be continued once its lease ran out");

        var steps = await world.StepsAsync(runId);
        Assert.Equal([1, 1], steps.Select(s => s.Attempt));
        var saved = await world.StoreAsync(db => db.Set<EntityRow>().AsNoTracking().Where(r => r.Model == "after_give_up").ToListAsync());
        Assert.Contains("recorded elsewhere", Assert.Single(saved).Data, StringComparison.Ordinal);
        // The busy run's lease was kept all along: it is still this engine's.
        Assert.Equal("running", (string?)(await RunAsync(world.Owner, busyRun))["status"]);
        busy.ReleaseHeld();
    }
}
