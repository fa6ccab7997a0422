using System.Net;
using Portico.Gateway;
using Portico.Tests.TestSupport;
using static Microsoft.Playwright.Assertions;

namespace Portico.Tests.Portal;

/// <summary>A tenant's allowlist of upstream tools in the portal: its managers set and remove it (the store's rules), nobody else can.</summary>
public sealed class TenantAllowlistPortalTests(HeadlessChromium chromium) : IClassFixture<HeadlessChromium>
{
    [Fact]
    public async Task A_tenant_owner_sets_and_removes_the_allowlist_and_a_bad_pattern_is_refused_with_the_rule()
    {
        await using var site = await UpstreamPortal.StartAsync();
        var path = $"/portal/tenants/{site.TenantId}/allowlist";
        await using var context = await chromium.NewContextAsync();
        var page = await site.SignInAsync(context, PortalSite.OwnerEmail, path);
        await Expect(page.Locator("#allowlist-state")).ToContainTextAsync("No allowlist");
        await Axe.AssertNoSeriousViolationsAsync(page);

        await page.FillAsync("#allow-tools", "echo__whoami\ndocs__*");
        await page.ClickAsync("#save-allowlist");
        await Expect(page.Locator("#notice")).ToContainTextAsync("echo__whoami, docs__*");
        await Expect(page.Locator("#allowlist-state")).ToContainTextAsync("Restricted");
        Assert.Equal(["echo__whoami", "docs__*"], await GetAsync(site, site.TenantId));

        await page.FillAsync("#allow-tools", "docs__*\n<script>x</script>");
        await page.ClickAsync("#save-allowlist");
        await Expect(page.Locator("#problem")).ToContainTextAsync("'<script>x</script>' is not an upstream tool name or pattern.");
        Assert.Equal(["echo__whoami", "docs__*"], await GetAsync(site, site.TenantId));

        page.Dialog += (_, dialog) => dialog.AcceptAsync();
        await page.ClickAsync("#clear-allowlist");
        await Expect(page.Locator("#notice")).ToContainTextAsync("Removed the allowlist");
        Assert.Null(await GetAsync(site, site.TenantId));

        await using var adminContext = await chromium.NewContextAsync();
        var admin = await site.SignInAsync(adminContext, PortalSite.AdminEmail, path);
        await Expect(admin.Locator("h1")).ToHaveTextAsync("Upstream tools of Test team");
        await Axe.AssertNoSeriousViolationsAsync(admin);
    }

    [Fact]
    public async Task Another_tenants_owner_and_a_member_cannot_read_or_change_the_allowlist()
    {
        await using var site = await UpstreamPortal.StartAsync();
        await UpstreamPortal.WithAsync<TenantToolAllowlistStore, IReadOnlyList<string>>(site.Server, s => s.SetAsync(site.TenantId, ["docs__*"], "test", CancellationToken.None));
        var path = $"/portal/tenants/{site.TenantId}/allowlist";

        await using var context = await chromium.NewContextAsync();
        var page = await site.SignInAsync(context, PortalSite.MemberEmail);
        var refused = await page.GotoAsync(site.Url(path).ToString());
        Assert.Equal(403, refused!.Status);
        await Expect(page.Locator("main")).Not.ToContainTextAsync("docs__*");
        await Axe.AssertNoSeriousViolationsAsync(page);

        foreach (var email in new[] { PortalSite.OtherOwnerEmail, PortalSite.MemberEmail })
        {
            using var attacker = await site.HttpBrowserAsync(email);
            using var own = await attacker.GetAsync("/portal");
            var csrf = PortalSite.Csrf(await own.Content.ReadAsStringAsync());
            var set = await PortalSite.PostFormAsync(attacker, path, "set", new Dictionary<string, string> { ["Set.Tools"] = "evil__*" }, csrf);
            var clear = await PortalSite.PostFormAsync(attacker, path, "clear", new Dictionary<string, string>(), csrf);
            Assert.Equal(HttpStatusCode.Forbidden, set.Status);
            Assert.Equal(HttpStatusCode.Forbidden, clear.Status);
        }

        Assert.Equal(["docs__*"], await GetAsync(site, site.TenantId));
    }

    private static Task<IReadOnlyList<string>?> GetAsync(PortalSite site, string tenantId)
        => UpstreamPortal.WithAsync<TenantToolAllowlistStore, IReadOnlyList<string>?>(site.Server, s => s.GetAsync(tenantId, CancellationToken.None));
}
