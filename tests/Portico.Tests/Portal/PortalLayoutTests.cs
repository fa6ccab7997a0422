using Microsoft.Playwright;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Portal;

/// <summary>The portal on a phone (375 px wide) and from the keyboard: nothing runs off the screen, and focus reaches the content first.</summary>
public sealed class PortalLayoutTests(HeadlessChromium chromium) : IClassFixture<HeadlessChromium>
{
    [Fact]
    public async Task Every_main_page_fits_a_phone_screen_without_sideways_scrolling()
    {
        await using var site = await PortalSite.StartAsync();
        await using var context = await chromium.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 375, Height = 800 } });
        var page = await site.SignInAsync(context, PortalSite.AdminEmail);
        var wide = new List<string>();
        foreach (var path in new[]
        {
            "/portal", "/portal/tenants", $"/portal/tenants/{site.TenantId}", $"/portal/tenants/{site.TenantId}/members", "/portal/keys", "/portal/oauth",
            "/portal/oauth/clients", "/portal/upstreams", "/portal/connections", "/portal/sessions", "/portal/audit", "/portal/catalog",
            $"/portal/tenants/{site.TenantId}/integrations", $"/portal/tenants/{site.TenantId}/allowlist",
        })
        {
            await page.GotoAsync(site.Url(path).ToString());
            var widths = await page.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, window.innerWidth]");
            if (widths[0] > widths[1])
            {
                // The outermost elements that run past the screen's edge, to say what to fix.
                var culprits = await page.EvaluateAsync<string[]>("""
                    () => [...document.querySelectorAll('main *')]
                      .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
                      .filter((e, _, all) => !all.includes(e.parentElement))
                      .slice(0, 5).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className ? '.' + e.className : '') + ' ' + Math.round(e.getBoundingClientRect().right) + 'px')
                    """);
                wide.Add($"{path}: {widths[0]}px wide in a {widths[1]}px viewport: {string.Join(", ", culprits)}");
            }
        }

        Assert.True(wide.Count == 0, string.Join("\n", wide));
    }

    [Fact]
    public async Task The_first_tab_offers_to_skip_to_the_content_and_lands_there()
    {
        await using var site = await PortalSite.StartAsync();
        await using var context = await chromium.NewContextAsync();
        var page = await site.SignInAsync(context, PortalSite.MemberEmail);

        await page.Keyboard.PressAsync("Tab");
        Assert.Equal("Skip to content", await page.EvaluateAsync<string>("() => document.activeElement.textContent.trim()"));
        await page.Keyboard.PressAsync("Enter");
        Assert.Equal("main", await page.EvaluateAsync<string>("() => document.activeElement.id"));
    }
}
