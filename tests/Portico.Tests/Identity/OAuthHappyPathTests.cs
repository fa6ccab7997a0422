using System.Net;
using System.Text.Json.Nodes;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Identity;

public sealed class OAuthHappyPathTests
{
    [Fact]
    public async Task Unauthenticated_post_discovery_registration_login_consent_token_then_tools_list_with_the_jwt()
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var flow = await OAuthFlow.StartAsync(server);

        // 1. The 401 points at the protected-resource metadata.
        var anonymous = new McpHttp(server.CreateClient(apiKey: null));
        var refused = await anonymous.PostAsync(McpHttp.Initialize());
        Assert.Equal(HttpStatusCode.Unauthorized, refused.Status);
        var challenge = refused.Headers.WwwAuthenticate.ToString();
        var prmUrl = System.Text.RegularExpressions.Regex.Match(challenge, "resource_metadata=\"([^\"]+)\"").Groups[1].Value;
        Assert.Equal($"{server.BaseAddress.ToString().TrimEnd('/')}/.well-known/oauth-protected-resource/mcp", prmUrl);

        // 2. Discovery.
        var prm = JsonNode.Parse(await flow.Http.GetStringAsync(prmUrl))!;
        var resource = prm["resource"]!.GetValue<string>();
        Assert.Equal(server.McpEndpoint.ToString(), resource);
        var issuer = prm["authorization_servers"]![0]!.GetValue<string>();
        var metadata = JsonNode.Parse(await flow.Http.GetStringAsync($"{issuer}/.well-known/oauth-authorization-server"))!;
        Assert.Equal(issuer, metadata["issuer"]!.GetValue<string>());
        Assert.Equal(["S256"], metadata["code_challenge_methods_supported"]!.AsArray().Select(n => n!.GetValue<string>()));

        // 3. Registration, 4. browser sign-in and consent, 5. code exchange.
        var clientId = await flow.RegisterPublicAsync();
        var location = await flow.AuthorizeAsync(clientId, "portico/content.read portico/records.read", resource);
        var query = OAuthFlow.Query(location);
        Assert.StartsWith(OAuthFlow.RedirectUri, location.ToString(), StringComparison.Ordinal);
        Assert.Equal("xyz", query["state"]);
        Assert.Equal(issuer, query["iss"]);
        var (status, tokens) = await flow.ExchangeAsync(clientId, query["code"]);
        Assert.True(status == HttpStatusCode.OK, tokens.ToJsonString());
        Assert.Equal("Bearer", tokens["token_type"]!.GetValue<string>());
        Assert.Equal(3600, tokens["expires_in"]!.GetValue<long>());
        Assert.StartsWith("prt_", tokens["refresh_token"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("portico/content.read portico/records.read", tokens["scope"]!.GetValue<string>());

        // 6. MCP with the access token.
        var mcp = flow.Mcp(tokens["access_token"]!.GetValue<string>());
        var session = await mcp.InitializeAsync();
        var list = await mcp.PostAsync("""{"jsonrpc":"2.0","id":2,"method":"tools/list"}""", session, protocolVersion: McpHttp.LatestSessionVersion);
        Assert.Equal(HttpStatusCode.OK, list.Status);
        Assert.NotEmpty(list.Final["result"]!["tools"]!.AsArray());

        // 7. The refresh token rotates and the new access token works too.
        var (refreshed, rotated) = await flow.TokenAsync(("grant_type", "refresh_token"), ("client_id", clientId), ("refresh_token", tokens["refresh_token"]!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.OK, refreshed);
        Assert.NotEqual(tokens["refresh_token"]!.GetValue<string>(), rotated["refresh_token"]!.GetValue<string>());
        var again = await flow.Mcp(rotated["access_token"]!.GetValue<string>()).PostAsync("""{"jsonrpc":"2.0","id":3,"method":"tools/list"}""", session,
            protocolVersion: McpHttp.LatestSessionVersion);
        Assert.Equal(HttpStatusCode.OK, again.Status);
    }

    [Fact]
    public async Task Loopback_redirect_uri_may_use_another_port()
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var flow = await OAuthFlow.StartAsync(server);
        var clientId = await flow.RegisterPublicAsync("http://127.0.0.1:1/callback");

        var location = await flow.AuthorizeAsync(clientId, redirectUri: "http://127.0.0.1:55123/callback");

        Assert.StartsWith("http://127.0.0.1:55123/callback?code=", location.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Client_credentials_issues_a_token_for_a_confidential_client_without_refresh_token()
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var flow = await OAuthFlow.StartAsync(server);
        var (id, secret) = await flow.AddServiceClientAsync();

        var (status, body) = await flow.TokenAsync($"{id}:{secret}", ("grant_type", "client_credentials"), ("scope", "portico/records.read"));

        Assert.True(status == HttpStatusCode.OK, body.ToJsonString());
        Assert.Null(body["refresh_token"]);
        var list = await flow.Mcp(body["access_token"]!.GetValue<string>()).PostAsync(McpHttp.Initialize());
        Assert.Equal(HttpStatusCode.OK, list.Status);
    }
}
