using System.Net;
using System.Text.Json.Nodes;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Identity;

public sealed class AuthorizeErrorTests
{
    [Fact]
    public async Task Unregistered_redirect_uri_is_a_json_400_and_never_a_redirect()
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var flow = await OAuthFlow.StartAsync(server);
        var clientId = await flow.RegisterPublicAsync();

        using var response = await flow.Browser.GetAsync(flow.AuthorizeUrl(clientId, redirectUri: "https://attacker.example/callback"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("invalid_request", body["error"]!.GetValue<string>());
        Assert.Contains("is not registered for this client", body["error_description"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pkce_plain_is_refused_with_a_redirect_carrying_the_error_and_no_code()
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var flow = await OAuthFlow.StartAsync(server);
        var clientId = await flow.RegisterPublicAsync();

        using var response = await flow.Browser.GetAsync(flow.AuthorizeUrl(clientId, method: "plain", challenge: flow.Verifier));

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        var query = OAuthFlow.Query(response.Headers.Location!);
        Assert.Equal("invalid_request", query["error"]);
        Assert.Contains("'plain' is not supported: use S256", query["error_description"], StringComparison.Ordinal);
        Assert.False(query.ContainsKey("code"));
        Assert.Equal(0, await OAuthAssert.CodeCountAsync(server));
    }

    [Fact]
    public async Task Dotted_scope_typo_is_invalid_scope_suggesting_the_slash_form()
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var flow = await OAuthFlow.StartAsync(server);
        var clientId = await flow.RegisterPublicAsync();

        using var response = await flow.Browser.GetAsync(flow.AuthorizeUrl(clientId, scope: "portico.content.read"));

        var query = OAuthFlow.Query(response.Headers.Location!);
        Assert.Equal("invalid_scope", query["error"]);
        Assert.Contains("Did you mean 'portico/content.read'?", query["error_description"], StringComparison.Ordinal);
        Assert.Contains("Supported scopes: portico/content.read", query["error_description"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Login_form_without_the_csrf_token_is_refused()
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var flow = await OAuthFlow.StartAsync(server);
        var clientId = await flow.RegisterPublicAsync();
        using var page = await flow.Browser.GetAsync(flow.AuthorizeUrl(clientId));
        var form = OAuthFlow.HiddenFields(await page.Content.ReadAsStringAsync());
        form["csrf_token"] = new string('x', 43);
        form["action"] = "login";
        form["email"] = PorticoTestServer.UserEmail;
        form["password"] = OAuthFlow.Password;

        using var response = await flow.Browser.PostAsync("/oauth/authorize", new FormUrlEncodedContent(form));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("CSRF", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Repeated_wrong_passwords_lock_the_account_until_the_lockout_ends()
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var flow = await OAuthFlow.StartAsync(server);
        var clientId = await flow.RegisterPublicAsync();
        using var page = await flow.Browser.GetAsync(flow.AuthorizeUrl(clientId));
        var form = OAuthFlow.HiddenFields(await page.Content.ReadAsStringAsync());
        form["action"] = "login";
        form["email"] = PorticoTestServer.UserEmail;

        string last = "";
        for (var i = 0; i < 5; i++)
        {
            form["password"] = "wrong password";
            using var attempt = await flow.Browser.PostAsync("/oauth/authorize", new FormUrlEncodedContent(form));
            last = await attempt.Content.ReadAsStringAsync();
        }

        Assert.Contains("locked until", last, StringComparison.Ordinal);
        form["password"] = OAuthFlow.Password;
        using (var locked = await flow.Browser.PostAsync("/oauth/authorize", new FormUrlEncodedContent(form)))
        {
            Assert.Contains("locked until", await locked.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        server.Clock.Advance(TimeSpan.FromMinutes(16));
        using var unlocked = await flow.Browser.PostAsync("/oauth/authorize", new FormUrlEncodedContent(form));
        Assert.Contains("id=\"approve\"", await unlocked.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
