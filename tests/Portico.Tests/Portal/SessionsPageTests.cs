using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Portico.Mcp;
using Portico.Tests.TestSupport;
using static Microsoft.Playwright.Assertions;

namespace Portico.Tests.Portal;

/// <summary>
/// The sessions page: people see their own open MCP sessions (administrators everyone's, with the owner), and ending one
/// ends it the way the client's DELETE does — on every instance, so its next request anywhere is told the session is gone.
/// Someone else's session is never ended by a non-administrator, whatever id they post.
/// </summary>
public sealed class SessionsPageTests(HeadlessChromium chromium) : IClassFixture<HeadlessChromium>
{
    [Fact]
    public async Task A_member_ends_their_session_in_the_browser_and_it_is_gone_on_both_instances()
    {
        await using var site = await PortalSite.StartAsync();
        await using var peer = await site.Server.StartPeerAsync();
        using var member = await ObserveCalls.AsAsync(site, PortalSite.MemberEmail);
        using var viaPeer = new HttpClient { BaseAddress = peer.BaseAddress };
        viaPeer.DefaultRequestHeaders.Authorization = member.Mcp.Client.DefaultRequestHeaders.Authorization;
        var onPeer = new McpHttp(viaPeer);
        var session = await onPeer.InitializeAsync(clientName: "<b>member's client</b>");
        Assert.Equal(HttpStatusCode.OK, (await onPeer.CallToolAsync(session, "ping")).Status);

        await using var context = await chromium.NewContextAsync();
        var page = await site.SignInAsync(context, PortalSite.MemberEmail, "/portal/sessions");
        var row = page.Locator($"[id='session-{session}']");
        await Expect(row).ToContainTextAsync("<b>member's client</b> 1.0");
        await Expect(row).ToContainTextAsync(McpHttp.LatestSessionVersion);
        await Axe.AssertNoSeriousViolationsAsync(page);

        page.Dialog += (_, dialog) => dialog.AcceptAsync();
        await row.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "End session" }).ClickAsync();

        await Expect(page.Locator("#notice")).ToHaveTextAsync($"Session {session} ended.");
        await Expect(page.Locator("#sessions-empty")).ToBeVisibleAsync();
        await Axe.AssertNoSeriousViolationsAsync(page);
        // The instance that served it hears of the end through the store and drops it; the other restores nothing.
        await Eventually.AssertAsync(async () => (await onPeer.CallToolAsync(session, "ping")).Status == HttpStatusCode.NotFound, "the peer answering 404 for the ended session");
        Assert.Equal(HttpStatusCode.NotFound, (await member.Mcp.CallToolAsync(session, "ping")).Status);
    }

    [Fact]
    public async Task An_administrator_sees_every_session_with_its_owner_and_may_end_any()
    {
        await using var site = await PortalSite.StartAsync();
        using var member = await ObserveCalls.AsAsync(site, PortalSite.MemberEmail);
        using var owner = await ObserveCalls.AsAsync(site, PortalSite.OwnerEmail);
        var memberSession = await member.Mcp.InitializeAsync();
        var ownerSession = await owner.Mcp.InitializeAsync();

        await using var context = await chromium.NewContextAsync();
        var page = await site.SignInAsync(context, PortalSite.AdminEmail, "/portal/sessions");
        await Expect(page.Locator($"[id='session-{memberSession}']")).ToContainTextAsync(PortalSite.MemberEmail);
        await Expect(page.Locator($"[id='session-{ownerSession}']")).ToContainTextAsync(PortalSite.OwnerEmail);
        await Axe.AssertNoSeriousViolationsAsync(page);

        using var admin = await site.HttpBrowserAsync(PortalSite.AdminEmail);
        var ended = await PortalSite.PostFormAsync(admin, "/portal/sessions", "end", new Dictionary<string, string> { ["End.Id"] = memberSession });
        Assert.Equal(HttpStatusCode.OK, ended.Status);
        Assert.Equal(HttpStatusCode.NotFound, (await member.Mcp.CallToolAsync(memberSession, "ping")).Status);
        Assert.Equal(HttpStatusCode.OK, (await owner.Mcp.CallToolAsync(ownerSession, "ping")).Status);
    }

    [Fact]
    public async Task Someone_elses_session_is_neither_listed_nor_ended_for_a_tenant_owner_and_bad_ids_are_refused()
    {
        await using var site = await PortalSite.StartAsync();
        using var member = await ObserveCalls.AsAsync(site, PortalSite.MemberEmail);
        var memberSession = await member.Mcp.InitializeAsync();
        using var owner = await site.HttpBrowserAsync(PortalSite.OwnerEmail);
        using var stranger = await site.HttpBrowserAsync(PortalSite.OtherOwnerEmail);

        var list = await owner.GetStringAsync("/portal/sessions");
        Assert.DoesNotContain(memberSession, list, StringComparison.Ordinal);

        var refused = await PortalSite.PostFormAsync(owner, "/portal/sessions", "end", new Dictionary<string, string> { ["End.Id"] = memberSession });
        Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
        Assert.Contains("not yours to end", refused.Html, StringComparison.Ordinal);
        var strangers = await PortalSite.PostFormAsync(stranger, "/portal/sessions", "end", new Dictionary<string, string> { ["End.Id"] = memberSession });
        Assert.Equal(HttpStatusCode.Forbidden, strangers.Status);
        Assert.Equal(HttpStatusCode.OK, (await member.Mcp.CallToolAsync(memberSession, "ping")).Status);

        var unknown = await PortalSite.PostFormAsync(owner, "/portal/sessions", "end", new Dictionary<string, string> { ["End.Id"] = "no-such-session" });
        Assert.Equal(HttpStatusCode.BadRequest, unknown.Status);
        Assert.Contains("No open session", unknown.Html, StringComparison.Ordinal);
        var missing = await PortalSite.PostFormAsync(owner, "/portal/sessions", "end", new Dictionary<string, string>());
        Assert.Equal(HttpStatusCode.BadRequest, missing.Status);
        var oversized = await PortalSite.PostFormAsync(owner, "/portal/sessions", "end", new Dictionary<string, string> { ["End.Id"] = new string('a', 5000) });
        Assert.Equal(HttpStatusCode.BadRequest, oversized.Status);

        // A token from another browser (the stranger's page) is refused before the handler runs.
        using var strangerPage = await stranger.GetAsync("/portal/sessions");
        var planted = await PortalSite.PostFormAsync(owner, "/portal/sessions", "end", new Dictionary<string, string> { ["End.Id"] = memberSession },
            csrf: PortalSite.Csrf(await strangerPage.Content.ReadAsStringAsync()));
        Assert.Equal(HttpStatusCode.Forbidden, planted.Status);
        Assert.Equal(HttpStatusCode.OK, (await member.Mcp.CallToolAsync(memberSession, "ping")).Status);
        await using var scope = site.Server.Services.CreateAsyncScope();
        Assert.Equal(1, await scope.ServiceProvider.GetRequiredService<SessionAdmin>().CountOpenAsync(null, CancellationToken.None));
    }
}
