using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Health;

public sealed class ShutdownTests
{
    [Fact]
    public async Task On_shutdown_readiness_turns_503_first_while_calls_are_still_served()
    {
        await using var server = await PorticoTestServer.StartAsync(configuration: new Dictionary<string, string?>
        {
            ["Portico:Shutdown:DrainDelay"] = "00:00:03",
        });
        using var client = server.CreateClient();
        var mcp = new McpHttp(client);
        var session = await mcp.InitializeAsync();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);

        var lifetime = server.Services.GetRequiredService<IHostApplicationLifetime>();
        var stopping = Task.Run(lifetime.StopApplication);
        while (!lifetime.ApplicationStopping.IsCancellationRequested)
        {
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }

        using var ready = await client.GetAsync("/health/ready");
        var call = await mcp.CallToolAsync(session, "ping");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Contains("shutting down", await ready.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, call.Status);
        await stopping;
    }
}
