using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Portico.Tests.Gateway;
using Portico.Tests.TestSupport;
using static Microsoft.Playwright.Assertions;

namespace Portico.Tests.Portal;

/// <summary>
/// Takes the screenshots of README's portal section (docs/images/portal-*.png) from a real server with real calls.
/// Explicit: it writes into the repository, so it runs only when asked —
/// <c>tests/Portico.Tests/bin/Release/net10.0/Portico.Tests -class Portico.Tests.Portal.PortalScreenshots -explicit only</c>.
/// </summary>
public sealed class PortalScreenshots(HeadlessChromium chromium) : IClassFixture<HeadlessChromium>
{
    [Fact(Explicit = true)]
    public async Task Take_the_readme_screenshots()
    {
        var images = Path.Combine(PortalTools.Directory, "..", "..", "..", "docs", "images");
        Directory.CreateDirectory(images);
        await using var site = await UpstreamPortal.StartAsync();
        await using var upstream = await CredentialEchoUpstream.StartAsync();

        // Some traffic for the charts and the audit trail: successes, a validation error, an unknown tool.
        using (var calls = await ObserveCalls.AsAsync(site, PortalSite.OwnerEmail))
        {
            var session = await calls.Mcp.InitializeAsync();
            for (var i = 0; i < 12; i++)
            {
                await calls.CallAsync("ping", new JsonObject { ["message"] = $"hello {i}" }, session);
            }

            await calls.CallAsync("ping", new JsonObject { ["message"] = 42 }, session);
            await calls.CallAsync("no_such_tool", null, session);
        }

        await using var context = await chromium.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        var page = await site.SignInAsync(context, PortalSite.AdminEmail, "/portal/upstreams");
        await page.FillAsync("#add-name", "docs");
        await page.FillAsync("#add-url", upstream.Url.ToString());
        await page.ClickAsync("#add");
        await Expect(page.Locator("#notice")).ToBeVisibleAsync();
        await page.GotoAsync(site.Url("/portal/upstreams").ToString());
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(images, "portal-upstreams.png"), FullPage = true });

        await page.GotoAsync(site.Url("/portal").ToString());
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(images, "portal-overview.png"), FullPage = true });

        await page.GotoAsync(site.Url("/portal/audit").ToString());
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(images, "portal-audit.png"), FullPage = true });

        await page.GotoAsync(site.Url("/portal/keys").ToString());
        await page.FillAsync("#key-name", "laptop");
        await page.ClickAsync("#create-key");
        await Expect(page.Locator("#client-config")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(images, "portal-keys.png"), FullPage = true });
    }
}
