using System.Net;
using Microsoft.Playwright;
using Portico.Hosting;
using Portico.Tests.TestSupport;
using static Microsoft.Playwright.Assertions;

namespace Portico.Tests.Portal;

/// <summary>
/// The portal's shell in a real browser and as an attacker's raw requests: signing in and back to the page asked for, the
/// refusal and not-found pages, signing out (on the server, not only in the browser), the security headers and cookies,
/// CSRF on Razor forms, and that API keys and browser sessions never stand in for each other.
/// </summary>
public sealed class PortalShellTests(HeadlessChromium chromium) : IClassFixture<HeadlessChromium>
{
    [Fact]
    public async Task A_browser_without_a_session_signs_in_and_lands_on_the_page_it_asked_for_which_is_accessible()
    {
        await using var site = await PortalSite.StartAsync();
        await using var context = await chromium.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(site.Url($"/portal/tenants/{site.TenantId}").ToString());
        Assert.Equal("/oauth/login", new Uri(page.Url).AbsolutePath);
        await Axe.AssertNoSeriousViolationsAsync(page);

        await page.FillAsync("#email", PortalSite.OwnerEmail);
        await page.FillAsync("#password", PortalSite.Password);
        await page.ClickAsync("#sign-in");

        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == $"/portal/tenants/{site.TenantId}");
        await Expect(page.Locator("h1")).ToHaveTextAsync("Test team");
        await Expect(page.Locator("#signed-in-as")).ToHaveTextAsync(PortalSite.OwnerEmail);
        await Axe.AssertNoSeriousViolationsAsync(page);
    }

    [Fact]
    public async Task A_member_opening_another_tenants_page_gets_the_refusal_page_and_never_its_content()
    {
        await using var site = await PortalSite.StartAsync();
        await using var context = await chromium.NewContextAsync();
        var page = await site.SignInAsync(context, PortalSite.MemberEmail);

        var response = await page.GotoAsync(site.Url($"/portal/tenants/{site.OtherTenantId}").ToString());

        Assert.Equal(403, response!.Status);
        await Expect(page.Locator("h1")).ToHaveTextAsync("Not allowed");
        await Expect(page.Locator("#refusal")).ToContainTextAsync("not a member");
        await Expect(page.Locator("main")).Not.ToContainTextAsync("Other team");
        await Axe.AssertNoSeriousViolationsAsync(page);
    }

    [Fact]
    public async Task An_unknown_portal_page_and_an_unknown_tenant_answer_the_not_found_page()
    {
        await using var site = await PortalSite.StartAsync();
        await using var context = await chromium.NewContextAsync();
        var page = await site.SignInAsync(context, PortalSite.AdminEmail);

        var missing = await page.GotoAsync(site.Url("/portal/no-such-page").ToString());
        Assert.Equal(404, missing!.Status);
        await Expect(page.Locator("h1")).ToHaveTextAsync("Not found");

        // An administrator may open any tenant's page: one that does not exist is not found (a member is refused before that).
        var tenant = await page.GotoAsync(site.Url("/portal/tenants/0123456789abcdef01234567").ToString());
        Assert.Equal(404, tenant!.Status);
        await Axe.AssertNoSeriousViolationsAsync(page);
    }

    [Fact]
    public async Task Signing_out_ends_the_session_on_the_server_so_a_copied_cookie_no_longer_works()
    {
        await using var site = await PortalSite.StartAsync();
        await using var context = await chromium.NewContextAsync();
        var page = await site.SignInAsync(context, PortalSite.OwnerEmail);
        var session = (await context.CookiesAsync()).Single(c => c.Name == "__Host-portico_session").Value;

        await page.ClickAsync("#sign-out");
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/oauth/login");
        await page.GotoAsync(site.Url("/portal").ToString());
        Assert.Equal("/oauth/login", new Uri(page.Url).AbsolutePath);

        using var replay = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = site.Server.BaseAddress };
        replay.DefaultRequestHeaders.Add("Cookie", $"__Host-portico_session={session}");
        using var response = await replay.GetAsync("/portal");
        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
    }

    [Fact]
    public async Task Pages_refusals_and_sign_in_redirects_carry_the_strict_headers_and_the_cookies_are_host_only_secure_and_http_only()
    {
        await using var site = await PortalSite.StartAsync();
        using var browser = await site.HttpBrowserAsync(PortalSite.MemberEmail);
        using var anonymous = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = site.Server.BaseAddress };

        foreach (var response in new[]
        {
            await browser.GetAsync("/portal"),
            await browser.GetAsync($"/portal/tenants/{site.OtherTenantId}"),
            await browser.GetAsync("/portal/nothing-here"),
            await anonymous.GetAsync("/portal/keys"),
        })
        {
            using (response)
            {
                Assert.Equal(BrowserPageHeaders.ContentSecurityPolicy, response.Headers.GetValues("Content-Security-Policy").Single());
                Assert.Contains("frame-ancestors 'none'", BrowserPageHeaders.ContentSecurityPolicy, StringComparison.Ordinal);
                Assert.DoesNotContain("unsafe-inline", BrowserPageHeaders.ContentSecurityPolicy, StringComparison.Ordinal);
                Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
                Assert.Equal("no-store", response.Headers.CacheControl!.ToString());
            }
        }

        using var login = await anonymous.GetAsync("/oauth/login");
        var cookie = login.Headers.GetValues("Set-Cookie").Single();
        Assert.StartsWith("__Host-portico_csrf=", cookie, StringComparison.Ordinal);
        foreach (var attribute in new[] { "path=/", "secure", "httponly", "samesite=lax" })
        {
            Assert.Contains(attribute, cookie, StringComparison.OrdinalIgnoreCase);
        }

        Assert.DoesNotContain("domain=", cookie, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("//evil.example/portal")]
    [InlineData("/\\evil.example")]
    [InlineData("https://evil.example/")]
    [InlineData("javascript:alert(1)")]
    [InlineData("/portal\r\nSet-Cookie: x=1")]
    public async Task Signing_in_never_redirects_off_this_server(string returnTo)
    {
        await using var site = await PortalSite.StartAsync();
        using var browser = BrowserCookies.Client(site.Server.BaseAddress);
        using var login = await browser.GetAsync("/oauth/login?return_to=" + Uri.EscapeDataString(returnTo));
        var html = await login.Content.ReadAsStringAsync();

        using var signedIn = await browser.PostAsync("/oauth/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["csrf_token"] = PortalSite.Csrf(html),
            ["email"] = PortalSite.MemberEmail,
            ["password"] = PortalSite.Password,
            ["return_to"] = returnTo,
        }));

        Assert.Equal(HttpStatusCode.SeeOther, signedIn.StatusCode);
        Assert.Equal("/portal", signedIn.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task A_form_with_another_browsers_csrf_token_or_none_is_refused_and_changes_nothing()
    {
        await using var site = await PortalSite.StartAsync();
        using var owner = await site.HttpBrowserAsync(PortalSite.OwnerEmail);
        using var attacker = await site.HttpBrowserAsync(PortalSite.OtherOwnerEmail);
        var path = $"/portal/tenants/{site.TenantId}/settings";
        var rename = new Dictionary<string, string> { ["Rename.Name"] = "Pwned" };
        using var attackerPage = await attacker.GetAsync($"/portal/tenants/{site.OtherTenantId}");
        var attackersToken = PortalSite.Csrf(await attackerPage.Content.ReadAsStringAsync());

        var planted = await PortalSite.PostFormAsync(owner, path, "rename", rename, csrf: attackersToken);
        var missing = await PortalSite.PostFormAsync(owner, path, "rename", rename, csrf: "");

        Assert.Equal(HttpStatusCode.Forbidden, planted.Status);
        Assert.Contains("form expired or came from another page", planted.Html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, missing.Status);
        var tenants = await site.Server.AdminAsync(a => a.ListTenantsAsync(CancellationToken.None));
        Assert.Equal("Test team", tenants.Single(t => t.Id == site.TenantId).Name);
    }

    [Fact]
    public async Task A_member_posting_the_owners_rename_form_is_refused_and_an_owners_hostile_name_is_shown_encoded()
    {
        await using var site = await PortalSite.StartAsync();
        using var member = await site.HttpBrowserAsync(PortalSite.MemberEmail);
        using var owner = await site.HttpBrowserAsync(PortalSite.OwnerEmail);
        var path = $"/portal/tenants/{site.TenantId}/settings";

        // The member has no settings page to take a token from; the overview's token, posted to the settings page, is refused by the page's policy.
        using var overview = await member.GetAsync("/portal");
        var refused = await PortalSite.PostFormAsync(member, path, "rename", new Dictionary<string, string> { ["Rename.Name"] = "Members rule" },
            csrf: PortalSite.Csrf(await overview.Content.ReadAsStringAsync()));
        Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
        Assert.Contains("Only an owner or admin", refused.Html, StringComparison.Ordinal);
        Assert.Equal("Test team", (await site.Server.AdminAsync(a => a.ListTenantsAsync(CancellationToken.None))).Single(t => t.Id == site.TenantId).Name);

        var empty = await PortalSite.PostFormAsync(owner, path, "rename", new Dictionary<string, string> { ["Rename.Name"] = "  " });
        Assert.Equal(HttpStatusCode.BadRequest, empty.Status);
        Assert.Contains("1 to 100 characters", empty.Html, StringComparison.Ordinal);

        var hostile = await PortalSite.PostFormAsync(owner, path, "rename", new Dictionary<string, string> { ["Rename.Name"] = "<script>alert(1)</script>" });
        Assert.Equal(HttpStatusCode.OK, hostile.Status);
        Assert.DoesNotContain("<script>alert(1)</script>", hostile.Html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", hostile.Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_api_key_does_not_open_the_portal_and_a_browser_session_does_not_open_the_mcp_endpoint()
    {
        await using var site = await PortalSite.StartAsync();
        using var withKey = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = site.Server.BaseAddress };
        withKey.DefaultRequestHeaders.Add("Authorization", $"Bearer {site.Server.ApiKey}");
        using var portal = await withKey.GetAsync("/portal");
        Assert.Equal(HttpStatusCode.SeeOther, portal.StatusCode);

        using var browser = await site.HttpBrowserAsync(PortalSite.AdminEmail);
        using var mcp = await browser.PostAsync("/mcp", new StringContent("""{"jsonrpc":"2.0","id":1,"method":"tools/list"}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Unauthorized, mcp.StatusCode);
    }
}
