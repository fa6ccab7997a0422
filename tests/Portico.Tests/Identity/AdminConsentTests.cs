using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Portico.Identity;
using Portico.Tests.Cli;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Identity;

/// <summary>
/// Only Portico administrators are granted <c>portico/admin</c>; anyone else gets the rest of what they asked
/// for. A token carrying <c>portico/admin</c> works on the admin API, so one sign-in serves MCP and admin.
/// </summary>
public sealed class AdminConsentTests
{
    private const string Asked = "portico/records.read portico/admin";

    [Fact]
    public async Task A_user_who_is_not_an_administrator_sees_admin_as_not_grantable_and_the_token_omits_it()
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var flow = await OAuthFlow.StartAsync(server);
        var clientId = await flow.RegisterPublicAsync();

        var consent = await flow.SignInToConsentAsync(flow.AuthorizeUrl(clientId, Asked));
        var tokens = await ApproveAsync(flow, clientId, consent);
        var token = tokens["access_token"]!.GetValue<string>();
        using var upstreams = await AdminApiAsync(flow, token);

        Assert.Contains("<li><code>portico/records.read</code></li>", consent, StringComparison.Ordinal);
        Assert.DoesNotContain("<li><code>portico/admin</code></li>", consent, StringComparison.Ordinal);
        Assert.Contains("id=\"not-granted\"", consent, StringComparison.Ordinal);
        Assert.Contains("<code>portico/admin</code>: only Portico administrators may hold it", consent, StringComparison.Ordinal);
        Assert.Equal("portico/records.read", tokens["scope"]!.GetValue<string>());
        Assert.Equal("portico/records.read", (string?)Jwt.Part(token, 1)["scope"]);
        Assert.Equal(HttpStatusCode.Forbidden, upstreams.StatusCode);
        Assert.Contains("error=\"insufficient_scope\"", upstreams.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        var refusal = JsonNode.Parse(await upstreams.Content.ReadAsStringAsync())!;
        Assert.Equal("This access token lacks the scope portico/admin.", (string?)refusal["message"]);
        Assert.Contains("portico users admin-grant", (string?)refusal["hint"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Asking_for_admin_alone_as_a_non_administrator_offers_only_deny_and_approving_anyway_is_invalid_scope()
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var flow = await OAuthFlow.StartAsync(server);
        var clientId = await flow.RegisterPublicAsync();

        var consent = await flow.SignInToConsentAsync(flow.AuthorizeUrl(clientId, "portico/admin"));
        var form = OAuthFlow.HiddenFields(consent);
        form["action"] = "approve";
        using var forced = await flow.Browser.PostAsync("/oauth/authorize", new FormUrlEncodedContent(form));

        Assert.DoesNotContain("id=\"approve\"", consent, StringComparison.Ordinal);
        Assert.Contains("id=\"deny\"", consent, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.SeeOther, forced.StatusCode);
        var query = OAuthFlow.Query(forced.Headers.Location!);
        Assert.Equal("invalid_scope", query["error"]);
        Assert.False(query.ContainsKey("code"));
        Assert.Equal(0, await OAuthAssert.CodeCountAsync(server));
    }

    [Fact]
    public async Task An_administrator_is_granted_admin_and_the_same_token_works_on_the_admin_api_and_on_mcp()
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var flow = await OAuthFlow.StartAsync(server);
        await SetAdminAsync(server, true);
        var clientId = await flow.RegisterPublicAsync();

        var consent = await flow.SignInToConsentAsync(flow.AuthorizeUrl(clientId, Asked));
        var tokens = await ApproveAsync(flow, clientId, consent);
        var token = tokens["access_token"]!.GetValue<string>();
        using var upstreams = await AdminApiAsync(flow, token);
        var mcp = await flow.Mcp(token).PostAsync(McpHttp.Initialize());

        Assert.Contains("<li><code>portico/admin</code></li>", consent, StringComparison.Ordinal);
        Assert.DoesNotContain("not-granted", consent, StringComparison.Ordinal);
        Assert.Equal(Asked.Split(' ').Order(), tokens["scope"]!.GetValue<string>().Split(' ').Order());
        Assert.Equal(HttpStatusCode.OK, upstreams.StatusCode);
        Assert.IsType<JsonArray>(JsonNode.Parse(await upstreams.Content.ReadAsStringAsync()));
        Assert.Equal(HttpStatusCode.OK, mcp.Status);
    }

    [Fact]
    public async Task Admin_revoke_revokes_at_once_the_sign_ins_that_carry_admin_and_the_next_sign_in_omits_it()
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var flow = await OAuthFlow.StartAsync(server);
        await SetAdminAsync(server, true);
        var clientId = await flow.RegisterPublicAsync();
        var admin = await flow.SignInAsync(clientId, Asked);
        using var readOnlyFlow = new OAuthFlow(server);
        var plain = await readOnlyFlow.SignInAsync(clientId, "portico/records.read");
        using (var before = await AdminApiAsync(flow, admin["access_token"]!.GetValue<string>()))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        var revoked = await SetAdminAsync(server, false);

        Assert.Equal(1, revoked);
        using var after = await AdminApiAsync(flow, admin["access_token"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        Assert.Contains("error=\"invalid_token\"", after.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.Contains("revoked", after.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        var refresh = await flow.TokenAsync(("grant_type", "refresh_token"), ("client_id", clientId), ("refresh_token", admin["refresh_token"]!.GetValue<string>()));
        OAuthAssert.Error(refresh, HttpStatusCode.BadRequest, "invalid_grant", "revoked");
        // The sign-in without portico/admin is untouched, and signing in again no longer grants it.
        Assert.Equal(HttpStatusCode.OK, (await flow.Mcp(plain["access_token"]!.GetValue<string>()).PostAsync(McpHttp.Initialize())).Status);
        using var again = new OAuthFlow(server);
        Assert.Equal("portico/records.read", (await again.SignInAsync(clientId, Asked))["scope"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_admin_api_refuses_an_expired_or_malformed_access_token_with_invalid_token()
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var flow = await OAuthFlow.StartAsync(server);
        await SetAdminAsync(server, true);
        var clientId = await flow.RegisterPublicAsync();
        var token = (await flow.SignInAsync(clientId, Asked))["access_token"]!.GetValue<string>();

        using var malformed = await AdminApiAsync(flow, "aaa.bbb.ccc");
        server.Clock.Advance(TimeSpan.FromMinutes(61));
        using var expired = await AdminApiAsync(flow, token);

        Assert.Equal(HttpStatusCode.Unauthorized, malformed.StatusCode);
        Assert.Contains("error=\"invalid_token\"", malformed.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, expired.StatusCode);
        Assert.Contains("expired", (string?)JsonNode.Parse(await expired.Content.ReadAsStringAsync())!["message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Users_cli_adds_an_administrator_grants_and_revokes_admin_and_lists_who_is_one()
    {
        using var cli = new CliSandbox();

        var added = await cli.RunAsync("users", "add", "--email", "root@example.com", "--password", "long enough", "--admin", "--json");
        var plain = await cli.RunAsync("users", "add", "--email", "ann@example.com", "--password", "long enough", "--json");
        var granted = await cli.RunAsync("users", "admin-grant", "--email", "ann@example.com", "--json");
        var revoked = await cli.RunAsync("users", "admin-revoke", "--email", "root@example.com");
        var unknown = await cli.RunAsync("users", "admin-grant", "--email", "nobody@example.com");
        var list = await cli.RunAsync("users", "list", "--json");

        Assert.Equal(0, added.ExitCode);
        Assert.True((bool)added.Json["isAdmin"]!);
        Assert.False((bool)plain.Json["isAdmin"]!);
        Assert.True((bool)granted.Json["isAdmin"]!);
        Assert.Equal(0, revoked.ExitCode);
        Assert.Contains("no longer a Portico administrator; 0 sign-in(s) carrying portico/admin revoked", revoked.Output, StringComparison.Ordinal);
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("No user 'nobody@example.com'", unknown.Error, StringComparison.Ordinal);
        var admins = list.Json.AsArray().Where(u => (bool)u!["isAdmin"]!).Select(u => (string?)u!["email"]);
        Assert.Equal(["ann@example.com"], admins);
    }

    /// <summary>Allow on the consent page shown, then the code exchange; the token response.</summary>
    private static async Task<JsonObject> ApproveAsync(OAuthFlow flow, string clientId, string consent)
    {
        var form = OAuthFlow.HiddenFields(consent);
        form["action"] = "approve";
        using var redirect = await flow.Browser.PostAsync("/oauth/authorize", new FormUrlEncodedContent(form));
        Assert.Equal(HttpStatusCode.SeeOther, redirect.StatusCode);
        var (status, tokens) = await flow.ExchangeAsync(clientId, OAuthFlow.Query(redirect.Headers.Location!)["code"]);
        Assert.True(status == HttpStatusCode.OK, tokens.ToJsonString());
        return tokens;
    }

    private static async Task<int> SetAdminAsync(PorticoTestServer server, bool isAdmin)
    {
        await using var scope = server.Services.CreateAsyncScope();
        var (_, revoked) = await scope.ServiceProvider.GetRequiredService<UserAccounts>().SetAdminAsync(PorticoTestServer.UserEmail, isAdmin, CancellationToken.None);
        return revoked;
    }

    private static async Task<HttpResponseMessage> AdminApiAsync(OAuthFlow flow, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/admin/api/upstreams");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await flow.Http.SendAsync(request);
    }
}
