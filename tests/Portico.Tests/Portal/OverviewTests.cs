using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Portico.Storage;
using Portico.Tests.TestSupport;
using static Microsoft.Playwright.Assertions;

namespace Portico.Tests.Portal;

/// <summary>
/// The overview: the instance and its store, upstreams, active sessions, and the last hour's calls per minute and errors by
/// code as server-drawn charts — counted by the database for calls made through the real MCP endpoint on the server's fake
/// clock, and scoped: an administrator sees every call, a tenant owner their tenant's, a member their own.
/// </summary>
public sealed class OverviewTests(HeadlessChromium chromium) : IClassFixture<HeadlessChromium>
{
    [Fact]
    public async Task The_charts_count_each_roles_calls_per_minute_and_errors_by_code_and_every_role_gets_an_accessible_page()
    {
        await using var site = await PortalSite.StartAsync();
        using var owner = await ObserveCalls.AsAsync(site, PortalSite.OwnerEmail);
        using var member = await ObserveCalls.AsAsync(site, PortalSite.MemberEmail);
        using var other = await ObserveCalls.AsAsync(site, PortalSite.OtherOwnerEmail);

        // 09:00: the owner calls once. 09:01: the owner twice more (one refused by the input schema), the member once,
        // and the other tenant's owner once (in their own tenant).
        var ownerSession = await owner.Mcp.InitializeAsync();
        await owner.CallAsync("ping", sessionId: ownerSession);
        site.Server.Clock.Advance(TimeSpan.FromMinutes(1));
        await owner.CallAsync("ping", sessionId: ownerSession);
        var refused = await owner.CallAsync("ping", new JsonObject { ["nope"] = 1 }, ownerSession);
        Assert.Contains("VALIDATION_FAILED", refused.Body, StringComparison.Ordinal);
        await member.CallAsync("ping");
        await other.CallAsync("ping");

        await using var context = await chromium.NewContextAsync();
        var admin = await site.SignInAsync(context, PortalSite.AdminEmail);
        await Expect(admin.Locator("#calls-chart")).ToBeVisibleAsync();
        Assert.Equal(["09:00 1 0", "09:01 4 1"], await RowsAsync(admin, "#calls-chart-table"));
        Assert.Equal(["VALIDATION_FAILED 1"], await RowsAsync(admin, "#errors-chart-table"));
        await Expect(admin.Locator("#calls-chart-summary")).ToContainTextAsync("5 calls, 1 of them errors");
        await Expect(admin.Locator("#schema-version")).ToContainTextAsync($"{StoreMigrations.Latest} (this build expects {StoreMigrations.Latest})");
        await Expect(admin.Locator("#instance-status")).ToHaveTextAsync("ready");
        await Expect(admin.Locator("#store-location")).ToBeVisibleAsync();
        await Expect(admin.Locator("#active-session-count")).ToHaveTextAsync("3");
        await Expect(admin.Locator("#upstreams-empty")).ToBeVisibleAsync();
        await Axe.AssertNoSeriousViolationsAsync(admin);

        await using var ownerContext = await chromium.NewContextAsync();
        var ownerPage = await site.SignInAsync(ownerContext, PortalSite.OwnerEmail);
        // The owner's tenant: their three calls and the member's; not the other tenant's.
        Assert.Equal(["09:00 1 0", "09:01 3 1"], await RowsAsync(ownerPage, "#calls-chart-table"));
        await Expect(ownerPage.Locator("#active-session-count")).ToHaveTextAsync("1");
        await Expect(ownerPage.Locator("#store-location")).ToHaveCountAsync(0);
        await Axe.AssertNoSeriousViolationsAsync(ownerPage);

        await using var memberContext = await chromium.NewContextAsync();
        var memberPage = await site.SignInAsync(memberContext, PortalSite.MemberEmail);
        Assert.Equal(["09:01 1 0"], await RowsAsync(memberPage, "#calls-chart-table"));
        await Expect(memberPage.Locator("#errors-chart-empty")).ToBeVisibleAsync();
        await Expect(memberPage.Locator("#calls-scope")).ToHaveTextAsync("Your own calls.");
        await Axe.AssertNoSeriousViolationsAsync(memberPage);

        // An hour later the window has moved past every call: the empty state, not an empty chart.
        site.Server.Clock.Advance(TimeSpan.FromMinutes(61));
        await memberPage.ReloadAsync();
        await Expect(memberPage.Locator("#calls-chart-empty")).ToBeVisibleAsync();
        await Axe.AssertNoSeriousViolationsAsync(memberPage);
    }

    [Fact]
    public async Task The_chart_is_an_image_with_a_title_and_a_summary_and_a_hostile_error_code_is_encoded()
    {
        await using var site = await PortalSite.StartAsync();
        using var owner = await ObserveCalls.AsAsync(site, PortalSite.OwnerEmail);
        await owner.CallAsync("ping");
        await AuditRows.AddAsync(site.Server, new AuditRows.RecordSpec { RequestId = "hostile", Tool = "ping", Outcome = "error", ErrorCode = "<script>alert(1)</script>", At = site.Server.Clock.GetUtcNow() });
        using var browser = await site.HttpBrowserAsync(PortalSite.AdminEmail);

        var html = await browser.GetStringAsync("/portal");

        Assert.Contains("role=\"img\"", html, StringComparison.Ordinal);
        Assert.Contains("<title id=\"calls-chart-title\">Calls per minute", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>alert(1)</script>", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Administrators_see_an_upstreams_failures_and_last_error_and_everyone_else_its_name_and_status()
    {
        await using var site = await PortalSite.StartAsync(new Dictionary<string, string?>
        {
            ["Portico:Gateway:HealthCheckInterval"] = "00:00:00.200",
            ["Portico:Gateway:FailureThreshold"] = "1",
            ["Portico:Outbound:Upstreams:AllowPrivateNetworks"] = "true",
            ["Portico:Outbound:Upstreams:AllowHttp"] = "true",
        });
        // Nothing listens there: every check fails with a connection error.
        var closedPort = LoopbackPort.Free();
        var adminKey = await site.Server.AdminAsync(a => a.CreateKeyAsync(PortalSite.AdminEmail, "admin", null, new HashSet<string> { Portico.Access.Scopes.Admin }, null, test: true, CancellationToken.None));
        using (var api = site.Server.CreateClient(adminKey.Plaintext))
        {
            using var added = await api.PostAsync("/admin/api/upstreams", System.Net.Http.Json.JsonContent.Create(new { name = "faraway", url = $"http://127.0.0.1:{closedPort}/mcp" }));
            Assert.True(added.IsSuccessStatusCode, await added.Content.ReadAsStringAsync());
        }

        using var admin = await site.HttpBrowserAsync(PortalSite.AdminEmail);
        using var member = await site.HttpBrowserAsync(PortalSite.MemberEmail);
        var adminHtml = await Eventually.ReturnsAsync(() => admin.GetStringAsync("/portal"), html => html.Contains("badge bad\">down", StringComparison.Ordinal),
            "the overview showing the unreachable upstream down");

        Assert.Contains("<th scope=\"col\">Last error</th>", adminHtml, StringComparison.Ordinal);
        Assert.Matches("(?s)<td>faraway</td>.*?<td>[1-9][0-9]*</td><td>2026-01-01 09:00 UTC</td><td>[^<—]+</td>", adminHtml);
        var memberHtml = await member.GetStringAsync("/portal");
        Assert.Contains("<td>faraway</td>", memberHtml, StringComparison.Ordinal);
        Assert.DoesNotContain("Last error", memberHtml, StringComparison.Ordinal);
        Assert.DoesNotContain("Consecutive failures", memberHtml, StringComparison.Ordinal);
    }

    private static async Task<string[]> RowsAsync(IPage page, string table)
        // The numbers sit in a closed <details>: read their text, not what is rendered.
        => await page.Locator($"{table} tbody tr").EvaluateAllAsync<string[]>("rows => rows.map(r => Array.from(r.cells).map(c => c.textContent.trim()).join(' '))");
}
