using System.Net;
using System.Text.Json.Nodes;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Identity;

public sealed class DiscoveryTests
{
    [Theory]
    [InlineData("/.well-known/oauth-protected-resource", "/mcp")]
    [InlineData("/.well-known/oauth-protected-resource/mcp", "/mcp")]
    [InlineData("/.well-known/oauth-protected-resource/0123456789abcdef01234567/mcp", "/0123456789abcdef01234567/mcp")]
    public async Task Protected_resource_metadata_names_the_resource_the_server_and_every_scope(string path, string resourcePath)
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var http = server.CreateClient(apiKey: null);

        var body = JsonNode.Parse(await http.GetStringAsync(path))!;

        var origin = server.BaseAddress.ToString().TrimEnd('/');
        Assert.Equal(origin + resourcePath, body["resource"]!.GetValue<string>());
        Assert.Equal(origin, body["authorization_servers"]![0]!.GetValue<string>());
        Assert.Equal(["header"], body["bearer_methods_supported"]!.AsArray().Select(n => n!.GetValue<string>()));
        var scopes = body["scopes_supported"]!.AsArray().Select(n => n!.GetValue<string>()).ToList();
        Assert.Contains("portico/content.read", scopes);
        Assert.Contains("portico/vendors.write", scopes);
        Assert.Contains("portico/admin", scopes);
        Assert.Contains("offline_access", scopes);
    }

    [Theory]
    [InlineData("/.well-known/oauth-authorization-server")]
    [InlineData("/.well-known/openid-configuration")]
    public async Task Authorization_server_metadata_lists_the_endpoints_and_s256(string path)
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var http = server.CreateClient(apiKey: null);

        var body = JsonNode.Parse(await http.GetStringAsync(path))!;

        var origin = server.BaseAddress.ToString().TrimEnd('/');
        Assert.Equal(origin, body["issuer"]!.GetValue<string>());
        Assert.Equal($"{origin}/oauth/token", body["token_endpoint"]!.GetValue<string>());
        Assert.Equal($"{origin}/oauth/register", body["registration_endpoint"]!.GetValue<string>());
        Assert.Equal($"{origin}/oauth/device_authorization", body["device_authorization_endpoint"]!.GetValue<string>());
        Assert.Contains("urn:ietf:params:oauth:grant-type:device_code", body["grant_types_supported"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal(["S256"], body["code_challenge_methods_supported"]!.AsArray().Select(n => n!.GetValue<string>()));
        var jwks = JsonNode.Parse(await http.GetStringAsync(body["jwks_uri"]!.GetValue<string>()))!;
        var key = Assert.Single(jwks["keys"]!.AsArray())!;
        Assert.Equal("ES256", key["alg"]!.GetValue<string>());
        Assert.Null(key["d"]);
    }

    [Theory]
    [InlineData("GET", "/oauth/nothing-here", HttpStatusCode.NotFound)]
    [InlineData("GET", "/.well-known/nothing-here", HttpStatusCode.NotFound)]
    [InlineData("GET", "/.well-known/oauth-protected-resource/health", HttpStatusCode.NotFound)]
    [InlineData("GET", "/oauth/token", HttpStatusCode.MethodNotAllowed)]
    [InlineData("DELETE", "/.well-known/oauth-authorization-server", HttpStatusCode.MethodNotAllowed)]
    [InlineData("POST", "/oauth/register", HttpStatusCode.BadRequest)]
    [InlineData("POST", "/oauth/device_authorization", HttpStatusCode.BadRequest)]
    [InlineData("GET", "/oauth/device_authorization", HttpStatusCode.MethodNotAllowed)]
    [InlineData("POST", "/oauth/device", HttpStatusCode.BadRequest)]
    public async Task Errors_under_oauth_and_well_known_are_json_never_html(string method, string path, HttpStatusCode status)
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var http = server.CreateClient(apiKey: null);

        using var response = await http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = new StringContent("<html>") });

        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]);
    }
}
