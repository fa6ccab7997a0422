using Microsoft.Extensions.DependencyInjection;
using Portico.Gateway;

namespace Portico.Tests.Gateway;

/// <summary>An upstream's first health check waits for a slow start (npx downloading) instead of cutting it off and restarting it.</summary>
public sealed class FirstConnectGraceTests
{
    [Fact]
    public async Task A_slow_first_start_is_waited_for_not_reset()
    {
        // The first answer comes well after the normal check timeout, well within the first-connect one.
        await using var upstream = await SlowStartUpstream.StartAsync(TimeSpan.FromSeconds(2));
        await using var gateway = await GatewayHarness.StartAsync(configuration: new Dictionary<string, string?>
        {
            ["Portico:Gateway:HealthCheckTimeout"] = "00:00:00.5",
            ["Portico:Gateway:FirstConnectTimeout"] = "00:01:00",
        });

        await gateway.AddAsync(new { name = "slow", url = upstream.Url.ToString() });
        var up = await gateway.WaitUpAsync("slow");

        // One session, never reset while starting, and no check counted as failed.
        Assert.Equal(1, upstream.Initializes);
        Assert.Equal(0, (int)up["consecutiveFailures"]!);
    }

    [Fact]
    public async Task A_first_start_that_never_answers_fails_after_the_first_connect_timeout()
    {
        await using var upstream = await SlowStartUpstream.StartAsync(firstDelay: null);
        await using var gateway = await GatewayHarness.StartAsync(configuration: new Dictionary<string, string?>
        {
            ["Portico:Gateway:HealthCheckTimeout"] = "00:00:00.5",
            ["Portico:Gateway:FirstConnectTimeout"] = "00:00:01",
        });

        await gateway.AddAsync(new { name = "stuck", url = upstream.Url.ToString() });

        // After the reset the next start answers at once (only the first initialize hangs): the upstream comes up.
        await gateway.WaitUpAsync("stuck");

        Assert.Equal(2, upstream.Initializes);
        await using var scope = gateway.Server.Services.CreateAsyncScope();
        var checks = await scope.ServiceProvider.GetRequiredService<UpstreamHealthHistory>().ListAsync("stuck", 100, TestContext.Current.CancellationToken);
        Assert.Contains(checks, c => !c.Ok && c.Error == "no answer within 1 s");
    }
}
