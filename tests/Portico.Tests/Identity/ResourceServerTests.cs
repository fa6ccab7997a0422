using System.Net;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Identity;

/// <summary>Bearer JWTs on MCP paths: every refusal is 401 with resource_metadata, invalid_token and the reason.</summary>
public sealed class ResourceServerTests
{
    [Fact]
    public async Task Token_for_another_resource_is_refused_as_wrong_audience()
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var flow = await OAuthFlow.StartAsync(server);
        var clientId = await flow.RegisterPublicAsync();
        var tenantResource = $"{server.BaseAddress.ToString().TrimEnd('/')}/{server.TenantId}/mcp";
        var tokens = await flow.SignInAsync(clientId, resource: tenantResource);

        var response = await flow.Mcp(tokens["access_token"]!.GetValue<string>()).PostAsync(McpHttp.Initialize());

        AssertInvalidToken(response, $"not for this resource '{server.McpEndpoint}'");
        var right = await flow.Mcp(tokens["access_token"]!.GetValue<string>(), $"/{server.TenantId}/mcp").PostAsync(McpHttp.Initialize());
        Assert.Equal(HttpStatusCode.OK, right.Status);
    }

    [Fact]
    public async Task Expired_token_is_refused_once_the_clock_passes_one_hour()
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var flow = await OAuthFlow.StartAsync(server);
        var clientId = await flow.RegisterPublicAsync();
        var tokens = await flow.SignInAsync(clientId);
        server.Clock.Advance(TimeSpan.FromMinutes(61));

        var response = await flow.Mcp(tokens["access_token"]!.GetValue<string>()).PostAsync(McpHttp.Initialize());

        AssertInvalidToken(response, "expired");
    }

    [Fact]
    public async Task Tampered_token_is_refused_as_an_invalid_signature()
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var flow = await OAuthFlow.StartAsync(server);
        var clientId = await flow.RegisterPublicAsync();
        var token = (await flow.SignInAsync(clientId, scope: "portico/content.read"))["access_token"]!.GetValue<string>();
        var parts = token.Split('.');
        var payload = System.Text.Encoding.UTF8.GetString(Base64UrlDecode(parts[1])).Replace("portico/content.read", "portico/admin", StringComparison.Ordinal);
        var forged = $"{parts[0]}.{Portico.Identity.Secrets.Base64Url(System.Text.Encoding.UTF8.GetBytes(payload))}.{parts[2]}";

        var response = await flow.Mcp(forged).PostAsync(McpHttp.Initialize());

        AssertInvalidToken(response, "signature is invalid");
    }

    [Fact]
    public async Task Malformed_token_is_refused_and_api_keys_still_work()
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var flow = await OAuthFlow.StartAsync(server);

        var response = await flow.Mcp("aaa.bbb.ccc").PostAsync(McpHttp.Initialize());

        AssertInvalidToken(response, "");
        var withKey = await new McpHttp(server.CreateClient()).PostAsync(McpHttp.Initialize());
        Assert.Equal(HttpStatusCode.OK, withKey.Status);
    }

    [Fact]
    public async Task Revoked_access_token_is_refused_and_introspection_reports_it_inactive()
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var flow = await OAuthFlow.StartAsync(server);
        var clientId = await flow.RegisterPublicAsync();
        var token = (await flow.SignInAsync(clientId))["access_token"]!.GetValue<string>();
        var (backend, secret) = await flow.AddResourceServerAsync();

        var active = await PostFormAsync(flow, "/oauth/introspect", $"{backend}:{secret}", ("token", token));
        Assert.Contains("\"active\":true", active, StringComparison.Ordinal);
        using (var revoke = await flow.Http.PostAsync("/oauth/revoke", new FormUrlEncodedContent(new Dictionary<string, string> { ["client_id"] = clientId, ["token"] = token })))
        {
            Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        }

        var response = await flow.Mcp(token).PostAsync(McpHttp.Initialize());
        AssertInvalidToken(response, "revoked");
        Assert.Contains("\"active\":false", await PostFormAsync(flow, "/oauth/introspect", $"{backend}:{secret}", ("token", token)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_self_registered_confidential_client_learns_nothing_about_another_clients_tokens_but_sees_its_own()
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var flow = await OAuthFlow.StartAsync(server);
        var victim = await flow.RegisterPublicAsync();
        var victimTokens = await flow.SignInAsync(victim);
        var (snoop, snoopSecret) = await flow.RegisterConfidentialAsync();

        var access = await PostFormAsync(flow, "/oauth/introspect", $"{snoop}:{snoopSecret}", ("token", victimTokens["access_token"]!.GetValue<string>()));
        var refresh = await PostFormAsync(flow, "/oauth/introspect", $"{snoop}:{snoopSecret}", ("token", victimTokens["refresh_token"]!.GetValue<string>()));

        Assert.Equal("""{"active":false}""", access);
        Assert.Equal("""{"active":false}""", refresh);
        var code = OAuthFlow.Query(await flow.ApproveAsync(flow.AuthorizeUrl(snoop), signIn: false))["code"];
        var (_, own) = await flow.TokenAsync($"{snoop}:{snoopSecret}", ("grant_type", "authorization_code"), ("code", code), ("code_verifier", flow.Verifier),
            ("redirect_uri", OAuthFlow.RedirectUri));
        var mine = await PostFormAsync(flow, "/oauth/introspect", $"{snoop}:{snoopSecret}", ("token", own["access_token"]!.GetValue<string>()));
        Assert.Contains("\"active\":true", mine, StringComparison.Ordinal);
        Assert.Contains($"\"client_id\":\"{snoop}\"", mine, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Introspection_refuses_public_clients()
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var flow = await OAuthFlow.StartAsync(server);
        var clientId = await flow.RegisterPublicAsync();

        using var response = await flow.Http.PostAsync("/oauth/introspect", new FormUrlEncodedContent(new Dictionary<string, string> { ["client_id"] = clientId, ["token"] = "x" }));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("invalid_client", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static void AssertInvalidToken(McpHttpResponse response, string says)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        var header = response.Headers.WwwAuthenticate.ToString();
        Assert.Contains("resource_metadata=\"http://127.0.0.1:", header, StringComparison.Ordinal);
        Assert.Contains("error=\"invalid_token\"", header, StringComparison.Ordinal);
        Assert.Contains(says, header, StringComparison.Ordinal);
        Assert.Equal(-32001, response.Single["error"]!["code"]!.GetValue<int>());
    }

    private static async Task<string> PostFormAsync(OAuthFlow flow, string path, string basic, params (string, string)[] form)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new FormUrlEncodedContent(form.Select(f => new KeyValuePair<string, string>(f.Item1, f.Item2))),
        };
        request.Headers.TryAddWithoutValidation("Authorization", "Basic " + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(basic)));
        using var response = await flow.Http.SendAsync(request);
        return await response.Content.ReadAsStringAsync();
    }

    private static byte[] Base64UrlDecode(string value)
    {
        var s = value.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s.PadRight(s.Length + ((4 - (s.Length % 4)) % 4), '='));
    }
}
