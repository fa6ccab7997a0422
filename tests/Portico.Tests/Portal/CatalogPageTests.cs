using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Portico.Tests.TestSupport;
using static Microsoft.Playwright.Assertions;

namespace Portico.Tests.Portal;

/// <summary>
/// The tool catalog page answers what <c>list_available_tools</c> answers the same person in the same tenant (one piece of
/// code serves both), and only for people in the viewer's view: themselves, members of tenants they manage, anyone for an
/// administrator.
/// </summary>
public sealed partial class CatalogPageTests(HeadlessChromium chromium) : IClassFixture<HeadlessChromium>
{
    [Fact]
    public async Task The_page_shows_what_list_available_tools_answers_the_same_user_in_the_same_tenant()
    {
        await using var site = await PortalSite.StartAsync();
        using var owner = await ObserveCalls.AsAsync(site, PortalSite.OwnerEmail);
        var answer = await owner.CallAsync("list_available_tools", new JsonObject { ["tenantId"] = site.TenantId });
        var structured = answer.Final["result"]!["structuredContent"]!;
        var available = structured["available"]!.AsArray().Select(t => (string)t!["name"]!).ToList();
        var hidden = structured["unavailable"]!.AsArray().Select(t => $"{t!["name"]} {t["reason"]}").ToList();
        Assert.NotEmpty(available);
        Assert.NotEmpty(hidden);

        foreach (var email in new[] { PortalSite.OwnerEmail, PortalSite.AdminEmail })
        {
            await using var context = await chromium.NewContextAsync();
            var page = await site.SignInAsync(context, email, "/portal/catalog?user=" + Uri.EscapeDataString(PortalSite.OwnerEmail) + "&tenant=" + site.TenantId);
            Assert.Equal(available, await page.Locator("#available-tools tbody tr td:first-child").AllInnerTextsAsync());
            var rows = await page.Locator("#hidden-tools tbody tr").EvaluateAllAsync<string[]>("rows => rows.map(r => r.cells[0].innerText + ' ' + r.cells[1].innerText)");
            Assert.Equal(hidden, rows);
            await Expect(page.Locator("#catalog-tenant")).ToContainTextAsync("Test team");
            await Axe.AssertNoSeriousViolationsAsync(page);
        }
    }

    [Fact]
    public async Task A_member_sees_their_own_catalog_and_choosing_the_tenant_through_the_form_works_in_the_browser()
    {
        await using var site = await PortalSite.StartAsync();
        await using var context = await chromium.NewContextAsync();
        var page = await site.SignInAsync(context, PortalSite.MemberEmail, "/portal/catalog");
        await Expect(page.Locator("#user")).ToHaveCountAsync(0);
        await Expect(page.Locator("#available-tools")).ToContainTextAsync("ping");
        await Axe.AssertNoSeriousViolationsAsync(page);

        await page.SelectOptionAsync("#tenant", site.TenantId);
        await page.ClickAsync("#show-catalog");
        await Expect(page.Locator("#catalog-tenant")).ToContainTextAsync("In tenant Test team (plan basic, their role member");
        await Axe.AssertNoSeriousViolationsAsync(page);
    }

    [Fact]
    public async Task Choosing_someone_outside_ones_view_is_refused_and_shows_nothing_of_theirs()
    {
        await using var site = await PortalSite.StartAsync();
        using var member = await site.HttpBrowserAsync(PortalSite.MemberEmail);
        using var owner = await site.HttpBrowserAsync(PortalSite.OwnerEmail);
        using var admin = await site.HttpBrowserAsync(PortalSite.AdminEmail);
        await site.Server.AdminAsync(a => a.AddMemberAsync(site.OtherTenantId, PortalSite.MemberEmail, "member", CancellationToken.None));

        foreach (var (browser, query) in new[]
        {
            (member, "user=" + Uri.EscapeDataString(PortalSite.OwnerEmail)),
            (owner, "user=" + Uri.EscapeDataString(PortalSite.OtherOwnerEmail)),
            (owner, "user=" + Uri.EscapeDataString(PortalSite.MemberEmail) + "&tenant=" + site.OtherTenantId),
            (owner, "user=nobody%40portico.test"),
        })
        {
            using var response = await browser.GetAsync("/portal/catalog?" + query);
            var html = await response.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Contains("outside your view", html, StringComparison.Ordinal);
            Assert.DoesNotContain("id=\"available-tools\"", html, StringComparison.Ordinal);
        }

        // The owner may look at their member, in their tenant; an administrator at anyone.
        using (var allowed = await owner.GetAsync("/portal/catalog?user=" + Uri.EscapeDataString(PortalSite.MemberEmail)))
        {
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
            Assert.Contains("Available to " + PortalSite.MemberEmail, await allowed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var anyone = await admin.GetAsync("/portal/catalog?user=" + Uri.EscapeDataString(PortalSite.OtherOwnerEmail) + "&tenant=" + site.OtherTenantId))
        {
            Assert.Equal(HttpStatusCode.OK, anyone.StatusCode);
        }

        using var notTheirs = await admin.GetAsync("/portal/catalog?user=" + Uri.EscapeDataString(PortalSite.OtherOwnerEmail) + "&tenant=" + site.TenantId);
        Assert.Equal(HttpStatusCode.BadRequest, notTheirs.StatusCode);
        Assert.Contains("GROUP_NOT_AVAILABLE", WebUtility.HtmlDecode(await notTheirs.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        using var unknown = await admin.GetAsync("/portal/catalog?user=nobody%40portico.test");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        using var oversized = await admin.GetAsync("/portal/catalog?user=" + new string('u', 2000));
        Assert.Equal(HttpStatusCode.BadRequest, oversized.StatusCode);
    }
}
