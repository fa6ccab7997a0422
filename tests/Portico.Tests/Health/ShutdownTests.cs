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
        await Eventually.AssertAsync(() => lifetime.ApplicationStopping.IsCancellationRequested, "the application to start stopping");

        using var ready = await client.GetAsync("/health/ready");
        var call = await mcp.CallToolAsync(session, "ping");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Contains("shutting down", await ready.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, call.Status);
        await stopping;
    }

    [Fact]
    public async Task SIGTERM_with_an_open_GET_stream_ends_the_stream_and_exits_in_seconds()
    {
        var directory = Path.Combine(Path.GetTempPath(), "portico-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var store = await TestStores.CreateAsync(directory);
        try
        {
            await using var process = await PorticoProcess.StartInAsync(directory, store);
            var apiKey = process.PrintedApiKey ?? throw new InvalidOperationException($"No demo key printed:\n{process.Output}");
            using var client = process.CreateClient(apiKey);
            var session = await new McpHttp(client).InitializeAsync();
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
            timeout.CancelAfter(Eventually.DefaultTimeout);
            using var request = new HttpRequestMessage(HttpMethod.Get, "/mcp");
            request.Headers.Add("Accept", "text/event-stream");
            request.Headers.Add("Mcp-Session-Id", session);
            using var stream = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            using var reader = new StreamReader(await stream.Content.ReadAsStreamAsync(timeout.Token));
            Assert.NotNull(await reader.ReadLineAsync(timeout.Token));
            var rest = reader.ReadToEndAsync(timeout.Token);

            // The host's shutdown timeout is 30 s; a stream it waited for would keep the process up that long.
            var exitCode = await process.TerminateAsync(TimeSpan.FromSeconds(10));

            Assert.True(exitCode == 0, exitCode is null ? $"still running 10 s after SIGTERM:\n{process.Output}" : $"exit code {exitCode}:\n{process.Output}");
            Assert.Contains("retry: 1000", await rest, StringComparison.Ordinal);
        }
        finally
        {
            await TestStores.DropAsync(store);
            Directory.Delete(directory, recursive: true);
        }
    }
}
