using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Portico.Gateway;

namespace Portico.Tests.Gateway;

/// <summary>Transports are one registry: a definition names one of them exactly, or is refused with the list of those there are.</summary>
public sealed class UpstreamTransportTests
{
    [Theory]
    [InlineData("websocket")]
    [InlineData("HTTP")]
    [InlineData("stdio ")]
    [InlineData("")]
    public async Task The_admin_api_refuses_a_transport_that_is_not_exactly_a_known_one(string transport)
    {
        await using var gateway = await GatewayHarness.StartAsync();
        using var admin = gateway.Server.CreateClient(gateway.AdminKey);

        using var response = await admin.PostAsJsonAsync("/admin/api/upstreams", new { name = "docs", transport, url = "http://127.0.0.1:9/mcp" }, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal($"Unknown transport '{transport}': use http or stdio.",
            (string?)(await response.Content.ReadFromJsonAsync<JsonObject>(TestContext.Current.CancellationToken))!["error"]);
    }

    [Fact]
    public void Every_transport_is_found_by_its_own_name_and_checks_its_own_definitions()
    {
        Assert.Equal(["http", "stdio"], UpstreamTransport.All.Select(t => t.Name));
        Assert.All(UpstreamTransport.All, t => Assert.Same(t, UpstreamTransport.Find(t.Name)));
        var http = new UpstreamDefinition { Name = "a", Transport = "http", Url = new Uri("https://example.com/mcp") };
        var stdio = new UpstreamDefinition { Name = "b", Transport = "stdio", Command = "node", Args = ["server.js"] };
        Assert.Null(http.Problem());
        Assert.Null(stdio.Problem());
        Assert.Equal("https://example.com/mcp", http.Target);
        Assert.Equal("node server.js", stdio.Target);
        Assert.Equal("A stdio upstream takes a command, not a URL.", (stdio with { Url = new Uri("https://example.com") }).Problem());
        Assert.Equal("Credential mode 'user' needs an http upstream: the secret travels in a request header.", (stdio with { CredentialMode = "user" }).Problem());
    }
}
