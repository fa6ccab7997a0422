using System.Net;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Mcp;

/// <summary>DNS-rebinding protection and CORS on /mcp.</summary>
public sealed class HostOriginTests(PorticoServerFixture fixture) : IClassFixture<PorticoServerFixture>
{
    [Theory]
    [InlineData("evil.example.com", "Host 'evil.example.com' is not allowed", "Portico:Mcp:AllowedHosts")]
    [InlineData("127.0.0.1.nip.io", "Host '127.0.0.1.nip.io' is not allowed", "Portico:Mcp:AllowedHosts")]
    public async Task Foreign_host_is_refused_with_the_setting_to_change(string host, string message, string setting)
    {
        using var client = fixture.Server.CreateClient();
        var response = await new McpHttp(client).PostAsync(McpHttp.Initialize(), headers: new Dictionary<string, string> { ["Host"] = host });

        Assert.Equal(HttpStatusCode.Forbidden, response.Status);
        Assert.Contains(message, (string?)response.Single["error"]!["message"], StringComparison.Ordinal);
        Assert.Contains(setting, (string?)response.Single["error"]!["data"]!["hint"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Foreign_origin_is_refused_and_loopback_origin_allowed()
    {
        using var client = fixture.Server.CreateClient();
        var mcp = new McpHttp(client);

        var foreign = await mcp.PostAsync(McpHttp.Initialize(), headers: new Dictionary<string, string> { ["Origin"] = "https://evil.example.com" });
        var local = await mcp.PostAsync(McpHttp.Initialize(), headers: new Dictionary<string, string> { ["Origin"] = "http://localhost:5173" });

        Assert.Equal(HttpStatusCode.Forbidden, foreign.Status);
        Assert.Contains("Portico:Mcp:AllowedOrigins", (string?)foreign.Single["error"]!["data"]!["hint"], StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, local.Status);
        Assert.Equal("http://localhost:5173", local.Headers.GetValues("Access-Control-Allow-Origin").Single());
    }

    [Fact]
    public async Task Configured_host_and_origin_are_allowed_and_preflight_answers()
    {
        await using var server = await PorticoTestServer.StartAsync(configuration: new Dictionary<string, string?>
        {
            ["Portico:Mcp:AllowedHosts:0"] = "mcp.example.org",
            ["Portico:Mcp:AllowedOrigins:0"] = "https://app.example.org",
        });
        using var client = server.CreateClient();
        var allowed = await new McpHttp(client).PostAsync(McpHttp.Initialize(), headers: new Dictionary<string, string>
        {
            ["Host"] = "mcp.example.org",
            ["Origin"] = "https://app.example.org",
        });
        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/mcp");
        preflight.Headers.Add("Origin", "https://app.example.org");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        using var preflightResponse = await client.SendAsync(preflight);

        Assert.Equal(HttpStatusCode.OK, allowed.Status);
        Assert.Equal(HttpStatusCode.NoContent, preflightResponse.StatusCode);
        Assert.Contains("Mcp-Session-Id", preflightResponse.Headers.GetValues("Access-Control-Allow-Headers").Single(), StringComparison.Ordinal);
        Assert.Contains("Mcp-Session-Id", preflightResponse.Headers.GetValues("Access-Control-Expose-Headers").Single(), StringComparison.Ordinal);
    }
}
