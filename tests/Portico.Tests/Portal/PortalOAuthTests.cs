using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Portico.Identity;
using Portico.Storage;
using Portico.Tests.Identity;
using Portico.Tests.TestSupport;
using static Microsoft.Playwright.Assertions;

namespace Portico.Tests.Portal;

/// <summary>
/// The OAuth pages: a user's grants (self-registered apps marked unverified) with revoke, refused at once on /mcp and
/// never for another user's grant; administrators' pre-registered clients (add with a secret shown once, remove revoking
/// grants), refused to everyone else.
/// </summary>
public sealed class PortalOAuthTests(HeadlessChromium chromium) : IClassFixture<HeadlessChromium>
{
    [Fact]
    public async Task A_user_sees_their_grant_marked_unverified_and_revoking_it_refuses_its_token_at_once()
    {
        await using var site = await PortalSite.StartAsync();
        using var flow = await OAuthFlow.StartAsync(site.Server);
        var clientId = await flow.RegisterPublicAsync();
        var token = (string)(await flow.SignInAsync(clientId))["access_token"]!;
        var mcp = flow.Mcp(token);
        var session = await mcp.InitializeAsync();

        await using var context = await chromium.NewContextAsync();
        var page = await site.SignInAsync(context, PortalSite.OwnerEmail, "/portal/oauth");
        page.Dialog += (_, dialog) => dialog.AcceptAsync();
        await Expect(page.Locator("#grants")).ToContainTextAsync("Test client");
        await Expect(page.Locator("#grants .unverified")).ToHaveTextAsync("unverified");
        await Expect(page.Locator("#manage-clients")).ToHaveCountAsync(0);
        await Axe.AssertNoSeriousViolationsAsync(page);

        await page.ClickAsync("#grants button[name='Grant.Id']");
        await Expect(page.Locator("#notice")).ToContainTextAsync("Revoked");
        await Expect(page.Locator("#grants")).ToContainTextAsync("revoked");
        var refused = await mcp.CallToolAsync(session, "ping");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.Status);
    }

    [Fact]
    public async Task Revoking_another_users_grant_is_refused_and_the_grant_keeps_working()
    {
        await using var site = await PortalSite.StartAsync();
        using var flow = await OAuthFlow.StartAsync(site.Server);
        var clientId = await flow.RegisterPublicAsync();
        var token = (string)(await flow.SignInAsync(clientId))["access_token"]!;
        var grantId = await GrantIdAsync(site);
        using var member = await site.HttpBrowserAsync(PortalSite.MemberEmail);
        using var admin = await site.HttpBrowserAsync(PortalSite.AdminEmail);

        var byMember = await PortalSite.PostFormAsync(member, "/portal/oauth", "revoke-grant", new Dictionary<string, string> { ["Grant.Id"] = grantId },
            PortalSite.Csrf(await member.GetStringAsync("/portal/keys")));
        var byAdmin = await PortalSite.PostFormAsync(admin, "/portal/oauth", "revoke-grant", new Dictionary<string, string> { ["Grant.Id"] = grantId },
            PortalSite.Csrf(await admin.GetStringAsync("/portal/keys")));

        Assert.Equal(HttpStatusCode.Forbidden, byMember.Status);
        Assert.Contains("is not one of your grants", byMember.Html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, byAdmin.Status);
        await using (var scope = site.Server.Services.CreateAsyncScope())
        {
            Assert.Null((await scope.ServiceProvider.GetRequiredService<PorticoDbContext>().Set<OAuthGrantRecord>().SingleAsync(g => g.Id == grantId)).RevokedAt);
        }

        await flow.Mcp(token).InitializeAsync();
    }

    [Fact]
    public async Task An_administrator_adds_clients_sees_a_secret_once_and_removing_a_client_revokes_its_grants()
    {
        await using var site = await PortalSite.StartAsync();
        using var flow = await OAuthFlow.StartAsync(site.Server);
        var selfRegistered = await flow.RegisterPublicAsync();
        var token = (string)(await flow.SignInAsync(selfRegistered))["access_token"]!;

        await using var context = await chromium.NewContextAsync();
        var page = await site.SignInAsync(context, PortalSite.AdminEmail, "/portal/oauth");
        page.Dialog += (_, dialog) => dialog.AcceptAsync();
        await Axe.AssertNoSeriousViolationsAsync(page);
        await page.ClickAsync("#manage-clients");
        await Expect(page.Locator($"#client-{selfRegistered} .unverified")).ToHaveTextAsync("unverified");
        await Axe.AssertNoSeriousViolationsAsync(page);

        await page.FillAsync("#client-name", "<b>Desk</b> app");
        await page.FillAsync("#client-redirects", "http://127.0.0.1/callback\nhttps://desk.example/cb");
        await page.ClickAsync("#add-client");
        await Expect(page.Locator("#notice")).ToContainTextAsync("Registered the public client <b>Desk</b> app.");
        await Expect(page.Locator("#client-secret")).ToHaveCountAsync(0);
        var desk = (await ClientsAsync(site)).Single(c => c.Name == "<b>Desk</b> app");
        Assert.True(ClientNames.IsVerified(desk));
        Assert.Equal("http://127.0.0.1/callback https://desk.example/cb", desk.RedirectUris);

        await page.FillAsync("#client-name", "Back office");
        await page.CheckAsync("#kind-confidential");
        await page.FillAsync("#client-redirects", "https://office.example/cb");
        await page.ClickAsync("#add-client");
        var secret = (await page.Locator("#client-secret").TextContentAsync())!.Trim();
        Assert.StartsWith("pcs_", secret, StringComparison.Ordinal);
        await Axe.AssertNoSeriousViolationsAsync(page);
        await page.ReloadAsync();
        Assert.DoesNotContain(secret, await page.ContentAsync(), StringComparison.Ordinal);

        await page.ClickAsync($"#client-{selfRegistered} button[name='Remove.Id']");
        await Expect(page.Locator("#notice")).ToContainTextAsync("its grants are revoked");
        Assert.DoesNotContain(await ClientsAsync(site), c => c.Id == selfRegistered);
        Assert.Equal(HttpStatusCode.Unauthorized, (await flow.Mcp(token).PostAsync(McpHttp.Initialize())).Status);
    }

    [Fact]
    public async Task Bad_client_input_is_a_400_with_a_hint_and_the_session_client_cannot_be_removed()
    {
        await using var site = await PortalSite.StartAsync();
        using var admin = await site.HttpBrowserAsync(PortalSite.AdminEmail);
        var before = (await ClientsAsync(site)).Count;

        var noName = await AddAsync(admin, new() { ["Add.Kind"] = "public", ["Add.RedirectUris"] = "http://127.0.0.1/cb", ["Add.GrantTypes"] = "authorization_code" });
        var badRedirect = await AddAsync(admin, new() { ["Add.Name"] = "X", ["Add.Kind"] = "public", ["Add.RedirectUris"] = "http://evil.example/cb", ["Add.GrantTypes"] = "authorization_code" });
        var publicMachine = await AddAsync(admin, new() { ["Add.Name"] = "X", ["Add.Kind"] = "public", ["Add.GrantTypes"] = "client_credentials" });
        var longName = await AddAsync(admin, new() { ["Add.Name"] = new string('n', 2000), ["Add.Kind"] = "public", ["Add.RedirectUris"] = "http://127.0.0.1/cb", ["Add.GrantTypes"] = "authorization_code" });
        var sessionClient = await PortalSite.PostFormAsync(admin, "/portal/oauth/clients", "remove-client", new Dictionary<string, string> { ["Remove.Id"] = DeviceFlow.SessionClientId });

        Assert.Equal(HttpStatusCode.BadRequest, noName.Status);
        Assert.Contains("A client&#x27;s name is 1 to 100 characters", noName.Html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, badRedirect.Status);
        Assert.Contains("Check the redirect URIs", badRedirect.Html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, publicMachine.Status);
        Assert.Equal(HttpStatusCode.BadRequest, longName.Status);
        Assert.Equal(HttpStatusCode.BadRequest, sessionClient.Status);
        Assert.Contains("cannot be removed", sessionClient.Html, StringComparison.Ordinal);
        Assert.Equal(before, (await ClientsAsync(site)).Count);
    }

    [Theory]
    [InlineData(PortalSite.OwnerEmail)]
    [InlineData(PortalSite.MemberEmail)]
    public async Task The_clients_page_and_its_forms_are_refused_to_everyone_but_administrators(string email)
    {
        await using var site = await PortalSite.StartAsync();
        using var flow = await OAuthFlow.StartAsync(site.Server);
        var victim = await flow.RegisterPublicAsync();
        using var browser = await site.HttpBrowserAsync(email);
        var token = PortalSite.Csrf(await browser.GetStringAsync("/portal/oauth"));

        using var page = await browser.GetAsync("/portal/oauth/clients");
        var add = await AddAsync(browser, new() { ["Add.Name"] = "Mine", ["Add.Kind"] = "public", ["Add.RedirectUris"] = "http://127.0.0.1/cb", ["Add.GrantTypes"] = "authorization_code" }, token);
        var remove = await PortalSite.PostFormAsync(browser, "/portal/oauth/clients", "remove-client", new Dictionary<string, string> { ["Remove.Id"] = victim }, token);

        Assert.Equal(HttpStatusCode.Forbidden, page.StatusCode);
        Assert.DoesNotContain(victim, await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, add.Status);
        Assert.Equal(HttpStatusCode.Forbidden, remove.Status);
        var clients = await ClientsAsync(site);
        Assert.Contains(clients, c => c.Id == victim);
        Assert.DoesNotContain(clients, c => c.Name == "Mine");
    }

    private static Task<(HttpStatusCode Status, string Html)> AddAsync(HttpClient browser, Dictionary<string, string> fields, string? csrf = null)
        => PortalSite.PostFormAsync(browser, "/portal/oauth/clients", "add-client", fields, csrf);

    private static async Task<List<OAuthClientRecord>> ClientsAsync(PortalSite site)
    {
        await using var scope = site.Server.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<PorticoDbContext>().Set<OAuthClientRecord>().AsNoTracking().ToListAsync();
    }

    private static async Task<string> GrantIdAsync(PortalSite site)
    {
        await using var scope = site.Server.Services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<PorticoDbContext>().Set<OAuthGrantRecord>().SingleAsync()).Id;
    }
}
