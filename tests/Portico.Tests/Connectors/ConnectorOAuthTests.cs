using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Portico.Connectors;
using Portico.Integrations;
using Portico.Tests.Gateway;
using Portico.Tests.Identity;
using Portico.Tests.Portal;
using Portico.Tests.TestSupport;
using static Microsoft.Playwright.Assertions;

namespace Portico.Tests.Connectors;

/// <summary>
/// OAuth connectors: a tenant owner connects accounts at the provider (a second, real Portico) through the portal, in Chromium;
/// <c>list_connected_accounts</c> shows them; each call carries the account its <c>accountId</c> names; and the attacks on the
/// flow (a forged or replayed state, another tenant's account, another tenant's member) get nothing.
/// </summary>
public sealed class ConnectorOAuthTests(HeadlessChromium chromium) : IClassFixture<HeadlessChromium>
{
    [Fact]
    public async Task Two_accounts_connected_in_the_portal_are_listed_and_each_call_carries_the_token_of_the_account_it_names()
    {
        await using var setup = await ConnectorOAuthSetup.StartAsync(providerHost: "localhost");
        using var caller = CredentialUser.Owner(setup.Site.Server);
        await Eventually.AssertAsync(async () => (await caller.ToolNamesAsync()).Contains(ConnectorOAuthSetup.Tool), "the connector's tool");

        // The tool takes the account it acts as, always.
        var listed = (await caller.RequestAsync("tools/list"))["tools"]!.AsArray().Single(t => (string?)t!["name"] == ConnectorOAuthSetup.Tool)!;
        Assert.Contains("accountId", listed["inputSchema"]!["required"]!.AsArray().Select(r => (string?)r));

        // No account yet: the portal link.
        var missing = await caller.CallWithAsync(ConnectorOAuthSetup.Tool, new JsonObject { ["accountId"] = "acc_none" });
        Assert.Equal("INTEGRATION_NOT_CONFIGURED", CredentialUser.ErrorCode(missing));
        Assert.Equal(setup.Site.Url(setup.IntegrationsPath).ToString(), (string?)missing["structuredContent"]!["error"]!["details"]!["link"]);

        // The owner connects two accounts, one per provider user, through the provider's real sign-in and consent pages.
        await ConnectInChromiumAsync(setup, "Alice at the provider", PorticoTestServer.UserEmail);
        await ConnectInChromiumAsync(setup, "Bob at the provider", ConnectorOAuthSetup.SecondProviderEmail);

        var aliceAtProvider = await setup.ProviderUserIdAsync(PorticoTestServer.UserEmail);
        var bobAtProvider = await setup.ProviderUserIdAsync(ConnectorOAuthSetup.SecondProviderEmail);
        var accounts = await caller.CallWithAsync("list_connected_accounts", new JsonObject());
        Assert.True(CredentialUser.ErrorCode(accounts) is null, accounts.ToJsonString());
        var who = accounts["structuredContent"]!["connectors"]!.AsArray().Single(c => (string?)c!["connector"] == ConnectorOAuthSetup.Connector)!["accounts"]!.AsArray();
        Assert.Equal(2, who.Count);
        // (Connected at the same instant of the test's clock, so their order is not asserted.)
        var subjects = who.ToDictionary(a => (string)a!["label"]!, a => (string?)a!["subject"]);
        Assert.Equal(aliceAtProvider, subjects["Alice at the provider"]);
        Assert.Equal(bobAtProvider, subjects["Bob at the provider"]);
        Assert.NotEqual(aliceAtProvider, bobAtProvider);
        Assert.DoesNotContain("token", accounts.ToJsonString(), StringComparison.OrdinalIgnoreCase);

        // Each call carries its account's token: the provider sees two different subjects.
        foreach (var account in who)
        {
            var result = await caller.CallWithAsync(ConnectorOAuthSetup.Tool, new JsonObject { ["accountId"] = (string)account!["accountId"]! });
            Assert.True(CredentialUser.ErrorCode(result) is null, result.ToJsonString());
            Assert.Equal((string?)account["subject"], (string?)result["structuredContent"]!["sub"]);
        }

        // An unknown account: ACCOUNT_NOT_CONNECTED, pointing at list_connected_accounts.
        var unknown = await caller.CallWithAsync(ConnectorOAuthSetup.Tool, new JsonObject { ["accountId"] = "acc_0000" });
        Assert.Equal("ACCOUNT_NOT_CONNECTED", CredentialUser.ErrorCode(unknown));
        Assert.Contains("list_connected_accounts", (string?)unknown["structuredContent"]!["error"]!["hint"], StringComparison.Ordinal);

        // At rest the tokens are ciphertext.
        var rows = await setup.ConsumerDb(db => db.Set<TenantAccountRecord>().AsNoTracking().ToListAsync());
        Assert.Equal(2, rows.Count);
        Assert.All(rows, r => Assert.DoesNotContain("access_token", Encoding.UTF8.GetString(r.Tokens), StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_forged_or_replayed_state_and_a_callback_opened_by_another_user_connect_nothing()
    {
        await using var setup = await ConnectorOAuthSetup.StartAsync();
        using var owner = await setup.Site.HttpBrowserAsync(PortalSite.OwnerEmail);

        // A state Portico never issued.
        using var forged = await owner.GetAsync($"{ConnectorOAuth.CallbackPath}?state=forged&code=anything");
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Contains("unknown or was already finished", await forged.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // The owner's sign-in, approved at the provider, opened in another tenant's owner's browser (a lured click): refused, and the state is spent.
        var (status, authorize, html) = await setup.StartConnectAsync(owner, "Mine");
        Assert.True(status == HttpStatusCode.OK && authorize is not null, html);
        Assert.StartsWith(new Uri(setup.ProviderBase, "/oauth/authorize").ToString(), authorize!.ToString(), StringComparison.Ordinal);
        var parameters = OAuthFlow.Query(authorize);
        Assert.Equal("S256", parameters["code_challenge_method"]);
        using var providerPages = new OAuthFlow(setup.Provider);
        var callback = await providerPages.ApproveAsync(authorize.ToString());
        using var other = await setup.Site.HttpBrowserAsync(PortalSite.OtherOwnerEmail);
        using var lured = await other.GetAsync(callback);
        Assert.Equal(HttpStatusCode.Forbidden, lured.StatusCode);
        Assert.Contains("another Portico user", await lured.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var afterLure = await owner.GetAsync(callback);
        Assert.Equal(HttpStatusCode.BadRequest, afterLure.StatusCode);
        Assert.Equal(0, await setup.ConsumerDb(db => db.Set<TenantAccountRecord>().CountAsync()));

        // A sign-in finished by its own user connects the account once; the same callback again is refused.
        var (_, again, _) = await setup.StartConnectAsync(owner, "Mine");
        using var secondPages = new OAuthFlow(setup.Provider);
        var ownCallback = await secondPages.ApproveAsync(again!.ToString());
        using var connected = await owner.GetAsync(ownCallback);
        Assert.Equal(HttpStatusCode.Redirect, connected.StatusCode);
        Assert.StartsWith(setup.IntegrationsPath + "?connected=acc_", connected.Headers.Location!.ToString(), StringComparison.Ordinal);
        using var replay = await owner.GetAsync(ownCallback);
        Assert.Equal(HttpStatusCode.BadRequest, replay.StatusCode);
        Assert.Contains("already finished", await replay.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(1, await setup.ConsumerDb(db => db.Set<TenantAccountRecord>().CountAsync()));
    }

    [Fact]
    public async Task Members_of_another_tenant_and_plain_members_cannot_start_the_flow_and_another_tenants_account_id_is_not_connected()
    {
        await using var setup = await ConnectorOAuthSetup.StartAsync();

        // Another tenant's owner, and a plain member of this tenant, cannot start connecting an account for this tenant.
        foreach (var email in new[] { PortalSite.OtherOwnerEmail, PortalSite.MemberEmail })
        {
            using var browser = await setup.Site.HttpBrowserAsync(email);
            var (status, authorize, _) = await setup.StartConnectAsync(browser, "Sneaky");
            Assert.Equal(HttpStatusCode.Forbidden, status);
            Assert.Null(authorize);
        }

        Assert.Equal(0, await setup.ConsumerDb(db => db.Set<ConnectorOAuthStateRecord>().CountAsync()));

        // This tenant connects an account; the other tenant has one of its own.
        using var owner = await setup.Site.HttpBrowserAsync(PortalSite.OwnerEmail);
        var (_, authorizeUrl, _) = await setup.StartConnectAsync(owner, "Ours");
        using var pages = new OAuthFlow(setup.Provider);
        using (var done = await owner.GetAsync(await pages.ApproveAsync(authorizeUrl!.ToString())))
        {
            Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);
        }

        using var otherBrowser = await setup.Site.HttpBrowserAsync(PortalSite.OtherOwnerEmail);
        var (_, otherAuthorize, _) = await setup.StartConnectAsync(otherBrowser, "Theirs", setup.Site.OtherTenantId);
        using var otherPages = new OAuthFlow(setup.Provider);
        using (var done = await otherBrowser.GetAsync(await otherPages.ApproveAsync(otherAuthorize!.ToString())))
        {
            Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);
        }

        var ours = await setup.ConsumerDb(db => db.Set<TenantAccountRecord>().AsNoTracking().SingleAsync(a => a.TenantId == setup.Site.TenantId));
        using var theirCaller = await CredentialUser.WithKeyAsync(setup.Site.Server, PortalSite.OtherOwnerEmail);
        await Eventually.AssertAsync(async () => (await theirCaller.ToolNamesAsync()).Contains(ConnectorOAuthSetup.Tool), "the connector's tool");

        // The other tenant's caller names this tenant's account: not connected for them, and the provider is not called with it.
        var stolen = await theirCaller.CallWithAsync(ConnectorOAuthSetup.Tool, new JsonObject { ["accountId"] = ours.Id });
        Assert.Equal("ACCOUNT_NOT_CONNECTED", CredentialUser.ErrorCode(stolen));
        Assert.Equal(setup.Site.OtherTenantId, (string?)stolen["structuredContent"]!["error"]!["details"]!["tenantId"]);

        // Their own account works for them, and list_connected_accounts shows only their own.
        var theirs = await theirCaller.CallWithAsync("list_connected_accounts", new JsonObject());
        var listed = theirs["structuredContent"]!["connectors"]![0]!["accounts"]!.AsArray();
        Assert.Equal("Theirs", (string?)Assert.Single(listed)!["label"]);
        var own = await theirCaller.CallWithAsync(ConnectorOAuthSetup.Tool, new JsonObject { ["accountId"] = (string)listed[0]!["accountId"]! });
        Assert.True(CredentialUser.ErrorCode(own) is null, own.ToJsonString());

        // Disconnected in the portal: the next call names an account that is no longer connected.
        var (removed, _) = await PortalSite.PostFormAsync(owner, setup.IntegrationsPath, "disconnect",
            new Dictionary<string, string> { ["Disconnect.Account"] = $"{ConnectorOAuthSetup.Connector} {ours.Id}" });
        Assert.Equal(HttpStatusCode.OK, removed);
        using var ourCaller = CredentialUser.Owner(setup.Site.Server);
        var gone = await ourCaller.CallWithAsync(ConnectorOAuthSetup.Tool, new JsonObject { ["accountId"] = ours.Id });
        Assert.Equal("INTEGRATION_NOT_CONFIGURED", CredentialUser.ErrorCode(gone));
    }

    [Fact]
    public async Task An_expired_token_is_refreshed_once_for_concurrent_calls_and_a_refused_refresh_asks_to_connect_again()
    {
        var tokenRequests = new ProviderTokenRequests();
        await using var setup = await ConnectorOAuthSetup.StartAsync(tokenRequests: tokenRequests);
        var accountId = await setup.ConnectAsync("Ours");
        var before = await setup.ConsumerDb(db => db.Set<TenantAccountRecord>().AsNoTracking().SingleAsync());

        // Expired on both clocks: three calls at once, one refresh; every call answers as the account.
        setup.Site.Server.Clock.Advance(TimeSpan.FromHours(2));
        setup.Provider.Clock.Advance(TimeSpan.FromHours(2));
        var callers = Enumerable.Range(0, 3).Select(_ => CredentialUser.Owner(setup.Site.Server)).ToList();
        var results = await Task.WhenAll(callers.Select(c => c.CallWithAsync(ConnectorOAuthSetup.Tool, new JsonObject { ["accountId"] = accountId })));
        var subject = await setup.ProviderUserIdAsync(PorticoTestServer.UserEmail);
        Assert.All(results, r => Assert.Equal(subject, (string?)r["structuredContent"]?["sub"]));
        Assert.Equal(1, tokenRequests.Refreshes);
        var after = await setup.ConsumerDb(db => db.Set<TenantAccountRecord>().AsNoTracking().SingleAsync());
        Assert.NotEqual(before.Stamp, after.Stamp);
        Assert.Null(after.RefreshClaimedUntil);

        // The provider revokes the sign-in: the next refresh is refused, the account must be connected again, and it is not retried.
        await using (var scope = setup.Provider.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<Portico.Storage.PorticoDbContext>();
            foreach (var grant in await db.Set<Portico.Identity.OAuthGrantRecord>().AsNoTracking().Select(g => g.Id).ToListAsync())
            {
                await scope.ServiceProvider.GetRequiredService<Portico.Identity.GrantRevocations>().RevokeAsync(db, grant, CancellationToken.None);
            }
        }

        setup.Site.Server.Clock.Advance(TimeSpan.FromHours(2));
        setup.Provider.Clock.Advance(TimeSpan.FromHours(2));
        var refused = await callers[0].CallWithAsync(ConnectorOAuthSetup.Tool, new JsonObject { ["accountId"] = accountId });
        Assert.Equal("ACCOUNT_NOT_CONNECTED", CredentialUser.ErrorCode(refused));
        Assert.Contains("connected again", (string?)refused["structuredContent"]!["error"]!["message"], StringComparison.Ordinal);
        var again = await callers[1].CallWithAsync(ConnectorOAuthSetup.Tool, new JsonObject { ["accountId"] = accountId });
        Assert.Equal("ACCOUNT_NOT_CONNECTED", CredentialUser.ErrorCode(again));
        Assert.Equal(2, tokenRequests.Refreshes);
        var listed = await callers[2].CallWithAsync("list_connected_accounts", new JsonObject());
        Assert.False((bool)listed["structuredContent"]!["connectors"]![0]!["accounts"]![0]!["valid"]!);
        callers.ForEach(c => c.Dispose());
    }

    /// <summary>In Chromium: the owner signs in to the portal, names the account, is sent to the provider, signs in there as <paramref name="providerEmail"/> and approves.</summary>
    private async Task ConnectInChromiumAsync(ConnectorOAuthSetup setup, string label, string providerEmail)
    {
        // A fresh context per account: the provider's session from the first sign-in would otherwise answer for the second.
        await using var context = await chromium.NewContextAsync();
        var page = await setup.Site.SignInAsync(context, PortalSite.OwnerEmail, setup.IntegrationsPath);
        await Expect(page.Locator($"#integration-{ConnectorOAuthSetup.Connector}")).ToBeVisibleAsync();
        await page.SelectOptionAsync("#connect-integration", ConnectorOAuthSetup.Connector);
        await page.FillAsync("#connect-label", label);
        await page.ClickAsync("#connect");
        await page.ClickAsync("#continue");
        await page.WaitForURLAsync(url => new Uri(url).Host == setup.ProviderBase.Host && new Uri(url).Port == setup.ProviderBase.Port,
            new() { WaitUntil = WaitUntilState.Commit });
        await page.Locator("#email").FillAsync(providerEmail);
        await page.Locator("#password").FillAsync(OAuthFlow.Password);
        await page.Locator("#sign-in").ClickAsync();
        await page.Locator("#approve").ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("connected=acc_", StringComparison.Ordinal), new() { WaitUntil = WaitUntilState.Commit });
        await Expect(page.Locator("#notice")).ToContainTextAsync($"Connected the account '{label}'");
    }
}
