using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portico.Access;
using Portico.Gateway;
using Portico.Identity;
using Portico.Storage;
using Portico.Tests.Identity;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Gateway;

/// <summary>
/// Credential mode <c>oauth</c> against a real OAuth-protected upstream: a second Portico, whose
/// own login and consent pages the test's browser goes through.
/// </summary>
public sealed class UpstreamOAuthTests
{
    private const string Tool = "up__get-session-context";

    [Fact]
    public async Task A_user_connects_through_the_upstreams_own_sign_in_and_then_calls_it_as_the_upstream_user()
    {
        await using var setup = await Setup.StartAsync();
        using var alice = CredentialUser.Owner(setup.Gateway.Server);

        // Before anyone connected, the upstream's tools are unknown; a call under its prefix gets the caller's link.
        var missing = await alice.CallAsync(Tool);
        Assert.Equal("CREDENTIALS_MISSING", CredentialUser.ErrorCode(missing));
        var aliceLink = ConnectUrl(missing);
        Assert.StartsWith(new Uri(setup.Gateway.Server.BaseAddress, "/gateway/upstreams/up/connect?link=").ToString(), aliceLink, StringComparison.Ordinal);
        Assert.Contains(aliceLink, (string?)missing["structuredContent"]!["error"]!["hint"], StringComparison.Ordinal);
        Assert.Equal("oauth", (string?)missing["structuredContent"]!["error"]!["details"]!["credentialMode"]);

        // Opened in a browser signed in to Portico as Alice, the link leads to the upstream's authorization endpoint
        // with PKCE S256, a state and the upstream's resource.
        using var browser = Browser();
        using var redirect = await Setup.OpenLinkAsync(browser, aliceLink);
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        var authorize = redirect.Headers.Location!;
        Assert.StartsWith(new Uri(setup.Upstream.BaseAddress, "/oauth/authorize").ToString(), authorize.ToString(), StringComparison.Ordinal);
        var parameters = OAuthFlow.Query(authorize);
        Assert.Equal("S256", parameters["code_challenge_method"]);
        Assert.Equal(setup.Upstream.McpEndpoint.ToString(), parameters["resource"]);
        Assert.NotEmpty(parameters["state"]);

        // Portico registered itself dynamically, once, as a confidential client; the secret is not stored in clear.
        var registration = await setup.GatewayDb(db => db.Set<UpstreamOAuthClientRecord>().AsNoTracking().SingleAsync(c => c.Upstream == "up"));
        Assert.Equal(parameters["client_id"], registration.ClientId);
        Assert.NotNull(registration.ClientSecret);

        // The upstream's real login and consent pages, then the callback stores the tokens.
        var callback = await setup.Flow.ApproveAsync(authorize.ToString());
        Assert.StartsWith(new Uri(setup.Gateway.Server.BaseAddress, UpstreamOAuthClient.CallbackPath).ToString(), callback.ToString(), StringComparison.Ordinal);
        using var connected = await browser.GetAsync(callback, TestContext.Current.CancellationToken);
        var page = await connected.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(connected.StatusCode == HttpStatusCode.OK, page);
        Assert.Contains("id=\"connected\"", page, StringComparison.Ordinal);

        // A state is used once.
        using var replay = await browser.GetAsync(callback, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, replay.StatusCode);
        Assert.Contains("already finished", await replay.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);

        // With a user's token the health check lists the tools; the call reaches the upstream as its own user.
        await setup.Gateway.WaitUpAsync("up");
        var result = await alice.CallAsync(Tool);
        Assert.True(result["isError"] is null || !(bool)result["isError"]!, result.ToJsonString());
        var upstreamUser = await setup.UpstreamUserIdAsync();
        Assert.Equal(upstreamUser, (string?)result["structuredContent"]!["user"]!["id"]);
        Assert.NotEqual(await setup.GatewayUserIdAsync(PorticoTestServer.UserEmail), upstreamUser);

        // Tokens are per user: Bob has none and gets a link of his own.
        using var bob = await CredentialUser.AddAsync(setup.Gateway.Server, "bob@portico.test");
        var bobMissing = await bob.CallAsync(Tool);
        Assert.Equal("CREDENTIALS_MISSING", CredentialUser.ErrorCode(bobMissing));
        Assert.NotEqual(aliceLink, ConnectUrl(bobMissing));
        Assert.Equal(await setup.GatewayUserIdAsync("bob@portico.test"), (string?)bobMissing["structuredContent"]!["error"]!["details"]!["ownerId"]);

        // At rest the tokens are ciphertext: neither the access nor the refresh token appears in the row.
        var aliceId = await setup.GatewayUserIdAsync(PorticoTestServer.UserEmail);
        var tokens = await setup.TokensAsync(aliceId);
        var row = await setup.GatewayDb(db => db.Set<UpstreamCredentialRecord>().AsNoTracking().SingleAsync(c => c.Upstream == "up" && c.OwnerId == aliceId));
        Assert.Equal("oauth", row.OwnerKind);
        var raw = Encoding.UTF8.GetString(row.Secret);
        Assert.DoesNotContain(tokens.AccessToken, raw, StringComparison.Ordinal);
        Assert.DoesNotContain(tokens.RefreshToken!, raw, StringComparison.Ordinal);
        Assert.DoesNotContain(tokens.AccessToken[..20], Convert.ToBase64String(row.Secret), StringComparison.Ordinal);

        // A link is bound to its upstream and expires.
        var bobLink = ConnectUrl(bobMissing);
        using var otherUpstream = await browser.GetAsync(bobLink.Replace("/upstreams/up/", "/upstreams/other/", StringComparison.Ordinal), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, otherUpstream.StatusCode);
        Assert.Contains("made for upstream 'up'", (string?)JsonNode.Parse(await otherUpstream.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!["error"], StringComparison.Ordinal);
        setup.Gateway.Server.Clock.Advance(UpstreamOAuthLinks.Lifetime + TimeSpan.FromSeconds(1));
        using var expired = await browser.GetAsync(bobLink, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, expired.StatusCode);
        Assert.Contains("expired", (string?)JsonNode.Parse(await expired.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!["error"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Expired_tokens_are_refreshed_and_a_refused_refresh_asks_for_a_new_sign_in_without_retrying()
    {
        var tokenRequests = new RequestCounter("/oauth/token");
        await using var setup = await Setup.StartAsync(tokenRequests);
        using (var first = CredentialUser.Owner(setup.Gateway.Server))
        {
            await setup.ConnectAsync(ConnectUrl(await first.CallAsync(Tool)));
            await setup.Gateway.WaitUpAsync("up");
            Assert.Null(CredentialUser.ErrorCode(await first.CallAsync(Tool)));
        }

        var aliceId = await setup.GatewayUserIdAsync(PorticoTestServer.UserEmail);
        var signedIn = await setup.TokensAsync(aliceId);
        Assert.Equal(1, tokenRequests.Count);

        // Expired on Portico's clock: refreshed before the call; the rotated refresh token replaces the old one.
        setup.Gateway.Server.Clock.Advance(TimeSpan.FromHours(2));
        setup.Upstream.Clock.Advance(TimeSpan.FromHours(2));
        using (var alice = CredentialUser.Owner(setup.Gateway.Server))
        {
            Assert.Null(CredentialUser.ErrorCode(await alice.CallAsync(Tool)));
        }

        var refreshed = await setup.TokensAsync(aliceId);
        Assert.Equal(2, tokenRequests.Count);
        Assert.NotEqual(signedIn.AccessToken, refreshed.AccessToken);
        Assert.NotEqual(signedIn.RefreshToken, refreshed.RefreshToken);

        // Expired only on the upstream's clock: its 401 makes Portico refresh once and retry once.
        setup.Upstream.Clock.Advance(TimeSpan.FromHours(2));
        using (var alice = CredentialUser.Owner(setup.Gateway.Server))
        {
            var result = await alice.CallAsync(Tool);
            Assert.True(CredentialUser.ErrorCode(result) is null, result.ToJsonString());
        }

        var afterChallenge = await setup.TokensAsync(aliceId);
        Assert.Equal(3, tokenRequests.Count);
        Assert.NotEqual(refreshed.RefreshToken, afterChallenge.RefreshToken);

        // The user's sign-in is revoked at the upstream: the next refresh is refused, the tokens are marked invalid and the answer carries a new link.
        await setup.RevokeAtUpstreamAsync(afterChallenge.RefreshToken!);
        setup.Gateway.Server.Clock.Advance(TimeSpan.FromHours(2));
        setup.Upstream.Clock.Advance(TimeSpan.FromHours(2));
        using var again = CredentialUser.Owner(setup.Gateway.Server);
        var refused = await again.CallAsync(Tool);
        Assert.Equal("CREDENTIALS_INVALID", CredentialUser.ErrorCode(refused));
        Assert.Contains("revoked", (string?)refused["structuredContent"]!["error"]!["message"], StringComparison.Ordinal);
        var link = ConnectUrl(refused);
        Assert.Equal(4, tokenRequests.Count);

        // No loop: later calls answer from the mark without asking the upstream again.
        for (var i = 0; i < 3; i++)
        {
            var next = await again.CallAsync(Tool);
            Assert.Equal("CREDENTIALS_INVALID", CredentialUser.ErrorCode(next));
            Assert.StartsWith(new Uri(setup.Gateway.Server.BaseAddress, "/gateway/upstreams/up/connect?link=").ToString(), ConnectUrl(next), StringComparison.Ordinal);
        }

        Assert.Equal(4, tokenRequests.Count);

        // Connecting again clears the mark.
        await setup.ConnectAsync(link);
        Assert.Equal(5, tokenRequests.Count);
        Assert.Null(CredentialUser.ErrorCode(await again.CallAsync(Tool)));
    }

    [Fact]
    public async Task A_connect_link_works_once_and_only_in_a_browser_signed_in_as_the_user_it_was_made_for()
    {
        await using var setup = await Setup.StartAsync();
        using var alice = CredentialUser.Owner(setup.Gateway.Server);
        using var bob = await CredentialUser.AddAsync(setup.Gateway.Server, "bob@portico.test");
        await setup.SetPasswordAsync(bob.Email);
        var link = ConnectUrl(await alice.CallAsync(Tool));

        // A browser that is not signed in to Portico gets the sign-in form, not the upstream's sign-in.
        using var anonymous = Browser();
        using var signInPage = await anonymous.GetAsync(link, TestContext.Current.CancellationToken);
        var signIn = await signInPage.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, signInPage.StatusCode);
        Assert.Contains("name=\"password\"", signIn, StringComparison.Ordinal);
        Assert.Null(signInPage.Headers.Location);

        // Bob, signed in as himself, cannot use the link Alice's call got (a leaked link connects no one else's account).
        using var bobsBrowser = Browser();
        using var refused = await Setup.OpenLinkAsync(bobsBrowser, link, bob.Email);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        var body = JsonNode.Parse(await refused.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!;
        Assert.Contains("made for another Portico user", (string?)body["error"], StringComparison.Ordinal);
        Assert.Contains("your own link", (string?)body["hint"], StringComparison.Ordinal);

        // Alice's own browser: to the upstream, once.
        using var alicesBrowser = Browser();
        using var redirect = await Setup.OpenLinkAsync(alicesBrowser, link);
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        using var again = await alicesBrowser.GetAsync(link, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        Assert.Contains("already used", (string?)JsonNode.Parse(await again.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!["error"], StringComparison.Ordinal);

        // The upstream's answer to Alice's sign-in, opened in Bob's browser (a lured click), stores nothing for anyone.
        var callback = await setup.Flow.ApproveAsync(redirect.Headers.Location!.ToString());
        using var lured = await bobsBrowser.GetAsync(callback, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, lured.StatusCode);
        Assert.Contains("another Portico user", await lured.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Equal(0, await setup.GatewayDb(db => db.Set<UpstreamCredentialRecord>().CountAsync()));
    }

    [Fact]
    public async Task Oauth_mode_is_accepted_for_http_upstreams_only_and_takes_no_stored_secret()
    {
        await using var gateway = await GatewayHarness.StartAsync();
        using var admin = gateway.Server.CreateClient(gateway.AdminKey);
        using var stdio = await admin.PostAsync("/admin/api/upstreams", Json(new JsonObject { ["name"] = "local", ["command"] = "node", ["credentialMode"] = "oauth" }),
            TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, stdio.StatusCode);
        Assert.Contains("needs an http upstream", await stdio.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        using var header = await admin.PostAsync("/admin/api/upstreams",
            Json(new JsonObject { ["name"] = "hdr", ["url"] = "http://127.0.0.1:9/mcp", ["credentialMode"] = "oauth", ["credentialHeader"] = "X-Key" }), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, header.StatusCode);
        Assert.Contains("Authorization: Bearer", await header.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        using var added = await admin.PostAsync("/admin/api/upstreams", Json(new JsonObject { ["name"] = "up", ["url"] = "http://127.0.0.1:9/mcp", ["credentialMode"] = "oauth" }),
            TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        Assert.Equal("oauth", (string?)JsonNode.Parse(await added.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!["credentialMode"]);

        // A secret cannot be stored by hand for it: the refusal says how users connect.
        using var alice = CredentialUser.Owner(gateway.Server);
        using var put = await alice.PutSecretAsync("/admin/api/upstreams/up/credentials/me", "hand-made");
        Assert.Equal(HttpStatusCode.BadRequest, put.StatusCode);
        Assert.Contains("/gateway/upstreams/up/connect", await put.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);

        // A link that was not made by this Portico is refused with a hint.
        using var browser = Browser();
        using var forged = await browser.GetAsync(new Uri(gateway.Server.BaseAddress, "/gateway/upstreams/up/connect?link=AAAA"), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        var body = JsonNode.Parse(await forged.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!;
        Assert.Contains("not made by this Portico", (string?)body["error"], StringComparison.Ordinal);
        Assert.Contains("fresh link", (string?)body["hint"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_cli_adds_an_oauth_upstream_and_its_test_can_only_prove_it_reachable()
    {
        await using var upstream = await PorticoTestServer.StartAsync();
        using var sandbox = new Cli.CliSandbox();

        var added = await sandbox.RunAsync("upstreams", "add", "--name", "up", "--url", upstream.McpEndpoint.ToString(), "--credentials", "oauth", "--json");
        var tested = await sandbox.RunAsync("upstreams", "test", "--name", "up", "--json");
        var stdio = await sandbox.RunAsync("upstreams", "add", "--name", "local", "--command", "node", "--credentials", "oauth");

        Assert.Equal(0, added.ExitCode);
        Assert.Equal("oauth", (string?)JsonNode.Parse(added.Output)!["credentialMode"]);
        Assert.Equal(0, tested.ExitCode);
        var test = JsonNode.Parse(tested.Output)!;
        Assert.True((bool)test["ok"]!);
        Assert.Empty(test["tools"]!.AsArray());
        Assert.Contains("OAuth challenge", (string?)test["error"], StringComparison.Ordinal);
        Assert.NotEqual(0, stdio.ExitCode);
        Assert.Contains("needs an http upstream", stdio.Error, StringComparison.Ordinal);
    }

    private static StringContent Json(JsonObject body) => new(body.ToJsonString(), Encoding.UTF8, "application/json");

    private static HttpClient Browser() => BrowserCookies.Client();

    private static string ConnectUrl(JsonObject result)
        => (string?)result["structuredContent"]?["error"]?["details"]?["connectUrl"] ?? throw new InvalidOperationException("no connect link: " + result.ToJsonString());

    /// <summary>A gateway Portico with upstream <c>up</c> in oauth mode, pointing at a second Portico with its own store and user.</summary>
    private sealed class Setup : IAsyncDisposable
    {
        private Setup(GatewayHarness gateway, PorticoTestServer upstream, OAuthFlow flow)
        {
            Gateway = gateway;
            Upstream = upstream;
            Flow = flow;
        }

        public GatewayHarness Gateway { get; }

        public PorticoTestServer Upstream { get; }

        public OAuthFlow Flow { get; }

        public static async Task<Setup> StartAsync(RequestCounter? upstreamRequests = null)
        {
            var upstream = await PorticoTestServer.StartAsync(services: upstreamRequests is null ? null : s => s.AddSingleton<IStartupFilter>(upstreamRequests));
            var flow = await OAuthFlow.StartAsync(upstream);
            // Health checks are not under test here: a check slowed past its timeout by a loaded machine must not take the upstream down mid-test.
            var gateway = await GatewayHarness.StartAsync(failureThreshold: 100);
            // The gateway's own user signs in to the gateway's pages to open a connect link.
            (await OAuthFlow.StartAsync(gateway.Server)).Dispose();
            await gateway.AddAsync(new { name = "up", url = upstream.McpEndpoint.ToString(), credentialMode = "oauth" });
            // Reachable (its 401 challenge counts), its tools unknown until someone connects.
            await gateway.WaitForVendorAsync("up", v => (string?)v["status"] == "up", "reachable");
            return new Setup(gateway, upstream, flow);
        }

        /// <summary>
        /// Opens a connect link in <paramref name="browser"/>; when the gateway asks, signs in on its page as <paramref name="email"/>
        /// first (as the user would). Returns the answer to the link itself.
        /// </summary>
        public static async Task<HttpResponseMessage> OpenLinkAsync(HttpClient browser, string link, string email = PorticoTestServer.UserEmail)
        {
            var page = await browser.GetAsync(link, TestContext.Current.CancellationToken);
            var html = await page.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            if (page.StatusCode != HttpStatusCode.OK || !html.Contains("name=\"password\"", StringComparison.Ordinal))
            {
                return page;
            }

            page.Dispose();
            var form = OAuthFlow.HiddenFields(html);
            form["email"] = email;
            form["password"] = OAuthFlow.Password;
            using var signedIn = await browser.PostAsync(new Uri(new Uri(link), UpstreamOAuthLinks.Path("up")), new FormUrlEncodedContent(form), TestContext.Current.CancellationToken);
            Assert.True(signedIn.StatusCode == HttpStatusCode.SeeOther, await signedIn.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
            return await browser.GetAsync(new Uri(new Uri(link), signedIn.Headers.Location!), TestContext.Current.CancellationToken);
        }

        /// <summary>Gives a gateway user the test password, so they can sign in to the gateway's pages.</summary>
        public async Task SetPasswordAsync(string email)
        {
            await using var scope = Gateway.Server.Services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<UserAccounts>().SetPasswordAsync(email, OAuthFlow.Password, CancellationToken.None);
        }

        /// <summary>Follows a connect link, in a new browser signed in as the link's user, through the upstream's sign-in to Portico's "connected" page.</summary>
        public async Task ConnectAsync(string link)
        {
            using var browser = Browser();
            using var redirect = await OpenLinkAsync(browser, link);
            Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
            using var upstreamPages = new OAuthFlow(Upstream);
            var callback = await upstreamPages.ApproveAsync(redirect.Headers.Location!.ToString());
            using var connected = await browser.GetAsync(callback, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, connected.StatusCode);
        }

        public async Task<T> GatewayDb<T>(Func<PorticoDbContext, Task<T>> query)
        {
            await using var scope = Gateway.Server.Services.CreateAsyncScope();
            return await query(scope.ServiceProvider.GetRequiredService<PorticoDbContext>());
        }

        public Task<string> GatewayUserIdAsync(string email)
            => GatewayDb(db => db.Set<UserRecord>().AsNoTracking().Where(u => u.Email == email).Select(u => u.Id).SingleAsync());

        public async Task<string> UpstreamUserIdAsync()
        {
            await using var scope = Upstream.Services.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<PorticoDbContext>().Set<UserRecord>().AsNoTracking()
                .Where(u => u.Email == PorticoTestServer.UserEmail).Select(u => u.Id).SingleAsync();
        }

        /// <summary>The user's tokens as Portico holds them, decrypted through the credential store.</summary>
        public async Task<UpstreamOAuthTokens> TokensAsync(string userId)
        {
            await using var scope = Gateway.Server.Services.CreateAsyncScope();
            var credential = await scope.ServiceProvider.GetRequiredService<UpstreamCredentialStore>().FindAsync("up", "oauth", userId, CancellationToken.None);
            return UpstreamOAuthTokens.Parse(credential!.Secret);
        }

        /// <summary>What an upstream administrator revoking the user's sign-in does: the grant behind the refresh token is revoked.</summary>
        public async Task RevokeAtUpstreamAsync(string refreshToken)
        {
            await using var scope = Upstream.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
            var grant = await db.Set<RefreshTokenRecord>().AsNoTracking().Where(t => t.Id == Secrets.HashHex(refreshToken)).Select(t => t.GrantId).SingleAsync();
            await scope.ServiceProvider.GetRequiredService<GrantRevocations>().RevokeAsync(db, grant, CancellationToken.None);
        }

        public async ValueTask DisposeAsync()
        {
            Flow.Dispose();
            await Gateway.DisposeAsync();
            await Upstream.DisposeAsync();
        }
    }

    /// <summary>Counts the requests a server receives on one path (here: the upstream's token endpoint).</summary>
    private sealed class RequestCounter(string path) : IStartupFilter
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (context, nextMiddleware) =>
            {
                if (context.Request.Path == path)
                {
                    Interlocked.Increment(ref _count);
                }

                await nextMiddleware(context);
            });
            next(app);
        };
    }
}
