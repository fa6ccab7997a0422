using System.Net;
using System.Text.Json.Nodes;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Identity;

/// <summary>
/// The issuer and every URL in the metadata come from <c>Portico:Identity:Issuer</c> or, unset, from a Host header that
/// names this server (loopback, or a name in <c>Portico:Mcp:AllowedHosts</c>). A request with any other Host learns no
/// URL naming that host: an attacker cannot make Portico advertise an authorization server of their choosing.
/// </summary>
public sealed class IssuerHostTests
{
    public static TheoryData<string, string> Reads => new()
    {
        { "GET", "/.well-known/oauth-authorization-server" },
        { "GET", "/.well-known/openid-configuration" },
        { "GET", "/.well-known/oauth-protected-resource" },
        { "GET", "/.well-known/oauth-protected-resource/mcp" },
        { "POST", "/oauth/device_authorization" },
        { "POST", "/oauth/token" },
    };

    [Theory]
    [MemberData(nameof(Reads))]
    public async Task A_foreign_host_header_is_refused_and_never_named_in_the_answer(string method, string path)
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var flow = await OAuthFlow.StartAsync(server);
        var device = await flow.RegisterDeviceClientAsync();

        using var response = await SendAsync(server, method, path, "evil.example", device);
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_request", (string?)JsonNode.Parse(text)!["error"]);
        Assert.Contains("Portico:Identity:Issuer", text, StringComparison.Ordinal);
        Assert.DoesNotContain("evil.example/", text, StringComparison.Ordinal);
        Assert.DoesNotContain("://evil.example", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Loopback_names_with_any_port_work_without_configuration()
    {
        await using var server = await PorticoTestServer.StartAsync();

        using var localhost = await SendAsync(server, "GET", "/.well-known/oauth-authorization-server", $"localhost:{server.BaseAddress.Port}", null);
        using var ipv4 = await SendAsync(server, "GET", "/.well-known/oauth-authorization-server", "127.0.0.1:1234", null);

        Assert.Equal($"http://localhost:{server.BaseAddress.Port}", (string?)JsonNode.Parse(await localhost.Content.ReadAsStringAsync())!["issuer"]);
        Assert.Equal("http://127.0.0.1:1234", (string?)JsonNode.Parse(await ipv4.Content.ReadAsStringAsync())!["issuer"]);
    }

    [Fact]
    public async Task A_host_in_the_mcp_allowed_hosts_names_the_issuer_and_another_is_still_refused()
    {
        await using var server = await PorticoTestServer.StartAsync(configuration: new Dictionary<string, string?> { ["Portico:Mcp:AllowedHosts:0"] = "mcp.example.org" });

        using var allowed = await SendAsync(server, "GET", "/.well-known/oauth-protected-resource/mcp", "mcp.example.org", null);
        using var other = await SendAsync(server, "GET", "/.well-known/oauth-authorization-server", "evil.example", null);

        var body = JsonNode.Parse(await allowed.Content.ReadAsStringAsync())!;
        Assert.Equal("http://mcp.example.org/mcp", (string?)body["resource"]);
        Assert.Equal("http://mcp.example.org", (string?)body["authorization_servers"]![0]);
        Assert.Equal(HttpStatusCode.BadRequest, other.StatusCode);
    }

    [Fact]
    public async Task A_configured_issuer_is_used_whatever_the_host_header_says()
    {
        await using var server = await PorticoTestServer.StartAsync(configuration: new Dictionary<string, string?> { ["Portico:Identity:Issuer"] = "https://mcp.example.com/" });

        using var response = await SendAsync(server, "GET", "/.well-known/oauth-authorization-server", "evil.example", null);

        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("https://mcp.example.com", (string?)body["issuer"]);
        Assert.Equal("https://mcp.example.com/oauth/token", (string?)body["token_endpoint"]);
    }

    private static async Task<HttpResponseMessage> SendAsync(PorticoTestServer server, string method, string path, string host, string? deviceClient)
    {
        using var http = server.CreateClient(apiKey: null);
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        request.Headers.Host = host;
        if (method == "POST")
        {
            request.Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["client_id"] = deviceClient!,
                ["grant_type"] = "refresh_token",
                ["refresh_token"] = "prt_unknown",
            });
        }

        var response = await http.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }
}
