using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Mcp;

/// <summary>The official C# SDK client works against /mcp: with the 2026-07-28 probe (stateless) and pinned to a session revision.</summary>
public sealed class SdkClientTests(PorticoServerFixture fixture) : IClassFixture<PorticoServerFixture>
{
    private Dictionary<string, string> Auth => new() { ["Authorization"] = $"Bearer {fixture.Server.ApiKey}" };

    [Theory]
    [InlineData(null)]          // default: probes with server/discover (2026-07-28, stateless)
    [InlineData("2025-11-25")]  // pinned: initialize handshake and an Mcp-Session-Id
    [InlineData("2025-06-18")]
    [InlineData("2025-03-26")]
    public async Task Sdk_client_lists_and_calls_tools(string? protocolVersion)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var transport = new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = fixture.Server.McpEndpoint,
            TransportMode = HttpTransportMode.StreamableHttp,
            AdditionalHeaders = Auth,
        });
        await using var client = await McpClient.CreateAsync(transport, new McpClientOptions
        {
            ClientInfo = new Implementation { Name = "sdk-test", Version = "1.0" },
            ProtocolVersion = protocolVersion,
        }, cancellationToken: ct);

        var tools = await client.ListToolsAsync(cancellationToken: ct);
        var result = await client.CallToolAsync("ping", new Dictionary<string, object?> { ["message"] = "hi from C#" }, cancellationToken: ct);

        Assert.Contains(tools, t => t.Name == "ping");
        Assert.NotEqual(true, result.IsError);
        Assert.Equal("hi from C#", Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text);
        Assert.Equal(protocolVersion ?? "2026-07-28", client.NegotiatedProtocolVersion);
        if (protocolVersion is null)
        {
            Assert.Null(client.SessionId);
        }
        else
        {
            Assert.Matches("^[0-9a-f]{32}$", client.SessionId!);
        }
    }

    [Fact]
    public async Task Sdk_client_resumes_a_known_session_without_initialize()
    {
        var ct = TestContext.Current.CancellationToken;
        string sessionId;
        await using (var first = new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = fixture.Server.McpEndpoint,
            OwnsSession = false,
            AdditionalHeaders = Auth,
        }))
        {
            await using var client = await McpClient.CreateAsync(first, new McpClientOptions { ProtocolVersion = "2025-11-25" }, cancellationToken: ct);
            sessionId = client.SessionId!;
        }

        await using var second = new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = fixture.Server.McpEndpoint,
            KnownSessionId = sessionId,
            AdditionalHeaders = Auth,
        });
        await using var resumed = await McpClient.ResumeSessionAsync(second, new ResumeClientSessionOptions
        {
            ServerCapabilities = new ServerCapabilities { Tools = new ToolsCapability() },
            ServerInfo = new Implementation { Name = "portico", Version = "0" },
            NegotiatedProtocolVersion = "2025-11-25",
        }, cancellationToken: ct);
        var result = await resumed.CallToolAsync("ping", cancellationToken: ct);

        Assert.Equal(sessionId, resumed.SessionId);
        Assert.Equal("pong", Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text);
    }
}
