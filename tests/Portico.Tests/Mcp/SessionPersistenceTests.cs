using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Mcp;

/// <summary>A session id survives the server: restarts, crashes, and serving by a fresh process.</summary>
public sealed class SessionPersistenceTests
{
    [Fact]
    public async Task Session_survives_SIGKILL_and_goes_on_without_initialize()
    {
        var directory = Path.Combine(Path.GetTempPath(), "portico-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var store = Path.Combine(directory, "portico.db");
        try
        {
            string sessionId;
            string apiKey;
            int port;
            await using (var first = await PorticoProcess.StartAsync(store))
            {
                port = first.BaseAddress.Port;
                apiKey = first.PrintedApiKey ?? throw new InvalidOperationException($"No demo key printed:\n{first.Output}");
                using var client = first.CreateClient(apiKey);
                var mcp = new McpHttp(client);
                sessionId = await mcp.InitializeAsync();
                var before = await mcp.CallToolAsync(sessionId, "ping", new JsonObject { ["message"] = "before" });
                Assert.Equal("before", (string?)before.Final["result"]!["content"]![0]!["text"]);

                await first.KillAsync();
            }

            await using var second = await PorticoProcess.StartAsync(store, port);
            using var client2 = second.CreateClient(apiKey);
            var after = await new McpHttp(client2).CallToolAsync(sessionId, "ping", new JsonObject { ["message"] = "after" }, id: 3);

            Assert.Equal(HttpStatusCode.OK, after.Status);
            Assert.Equal(sessionId, after.SessionId);
            Assert.Equal("after", (string?)after.Final["result"]!["content"]![0]!["text"]);
            Assert.Equal(sessionId, (string?)after.Final["result"]!["structuredContent"]!["sessionId"]);
            Assert.Contains($"Session {sessionId} restored", second.Output, StringComparison.Ordinal);
            Assert.Null(second.PrintedApiKey);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task Session_survives_a_graceful_restart_and_keeps_its_negotiated_version()
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var client = server.CreateClient();
        var mcp = new McpHttp(client);
        var sessionId = await mcp.InitializeAsync(protocolVersion: "2025-06-18");

        await server.RestartAsync();
        using var client2 = server.CreateClient();
        var mcp2 = new McpHttp(client2);
        var list = await mcp2.PostAsync("""{"jsonrpc":"2.0","id":5,"method":"tools/list"}""", sessionId, protocolVersion: "2025-06-18");
        var initializeResult = await mcp2.PostAsync("""{"jsonrpc":"2.0","id":6,"method":"ping"}""", sessionId, protocolVersion: "2025-06-18");

        Assert.Equal(HttpStatusCode.OK, list.Status);
        Assert.Contains(list.Final["result"]!["tools"]!.AsArray(), t => (string?)t!["name"] == "ping");
        Assert.Equal(HttpStatusCode.OK, initializeResult.Status);
        var restored = server.Services.GetRequiredService<Portico.Mcp.McpSessionManager>();
        var session = await restored.FindAsync(sessionId, CancellationToken.None);
        Assert.Equal("2025-06-18", session!.Server.NegotiatedProtocolVersion);
    }

    [Fact]
    public async Task Deleted_session_is_gone_for_good_even_after_restart()
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var client = server.CreateClient();
        var mcp = new McpHttp(client);
        var sessionId = await mcp.InitializeAsync();

        using var delete = new HttpRequestMessage(HttpMethod.Delete, "/mcp");
        delete.Headers.Add("Mcp-Session-Id", sessionId);
        using var deleted = await client.SendAsync(delete);
        var afterDelete = await mcp.CallToolAsync(sessionId, "ping");
        await server.RestartAsync();
        using var client2 = server.CreateClient();
        var afterRestart = await new McpHttp(client2).CallToolAsync(sessionId, "ping");

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, afterDelete.Status);
        Assert.Equal(HttpStatusCode.NotFound, afterRestart.Status);
        Assert.Equal("Session not found", (string?)afterRestart.Single["error"]!["message"]);
    }

    [Fact]
    public async Task Idle_session_expires_in_memory_and_in_the_store()
    {
        await using var server = await PorticoTestServer.StartAsync(configuration: new Dictionary<string, string?>
        {
            ["Portico:Mcp:SessionIdleTimeout"] = "00:10:00",
        });
        using var client = server.CreateClient();
        var mcp = new McpHttp(client);
        var live = await mcp.InitializeAsync();
        var stored = await mcp.InitializeAsync();
        await server.RestartAsync();
        using var client2 = server.CreateClient();
        var mcp2 = new McpHttp(client2);
        var restored = await mcp2.CallToolAsync(live, "ping");

        server.Clock.Advance(TimeSpan.FromMinutes(11));
        var expiredLive = await mcp2.CallToolAsync(live, "ping");
        var expiredStored = await mcp2.CallToolAsync(stored, "ping");

        Assert.Equal(HttpStatusCode.OK, restored.Status);
        Assert.Equal(HttpStatusCode.NotFound, expiredLive.Status);
        Assert.Equal(HttpStatusCode.NotFound, expiredStored.Status);
    }
}
