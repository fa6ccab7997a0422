using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Portico.Gateway;
using Portico.Tests.Gateway;
using Portico.Tests.TestSupport;
using static Microsoft.Playwright.Assertions;

namespace Portico.Tests.Portal;

/// <summary>
/// The upstreams pages in a real browser as the administrator (add, test, disable, enable, remove; health history and
/// tools), each change seen by a peer instance without a restart; the refusals of everyone else; and an attacker's forged
/// and malformed posts.
/// </summary>
public sealed class UpstreamsPortalTests(HeadlessChromium chromium) : IClassFixture<HeadlessChromium>
{
    [Fact]
    public async Task The_administrator_adds_tests_disables_enables_and_removes_an_upstream_and_a_peer_instance_follows_without_restart()
    {
        await using var site = await UpstreamPortal.StartAsync();
        await using var peer = await site.Server.StartPeerAsync();
        await using var upstream = await CredentialEchoUpstream.StartAsync();
        await using var context = await chromium.NewContextAsync();
        var page = await site.SignInAsync(context, PortalSite.AdminEmail, "/portal/upstreams");
        await Expect(page.Locator("#no-upstreams")).ToBeVisibleAsync();
        await Expect(page.Locator("#stdio-not-offered")).ToBeVisibleAsync();
        Assert.Equal(["http"], await page.Locator("#add-transport option").AllInnerTextsAsync());
        await Axe.AssertNoSeriousViolationsAsync(page);

        await page.FillAsync("#add-name", "echo");
        await page.FillAsync("#add-url", upstream.Url.ToString());
        await page.ClickAsync("#add");
        await Expect(page.Locator("#notice")).ToContainTextAsync("Added upstream 'echo'");
        await Expect(page.Locator("#upstream-echo")).ToContainTextAsync(upstream.Url.ToString());

        // The peer serves it too (the store's change), and its checks list the tool.
        await Eventually.AssertAsync(() => PeerServes(peer, "echo__whoami"), "the peer to serve echo__whoami");

        await page.ClickAsync("#upstream-echo a");
        await Expect(page.Locator("h1")).ToHaveTextAsync("echo");
        await Eventually.AssertAsync(async () =>
        {
            await page.ReloadAsync();
            return await page.Locator("#history tbody tr").CountAsync() > 0 && await page.Locator("#tools").CountAsync() > 0;
        }, "the health history and the tools on the upstream's page");
        await Expect(page.Locator("#tools")).ToContainTextAsync("echo__whoami");
        await Expect(page.Locator("#history tbody tr").First).ToContainTextAsync("ok");
        await Axe.AssertNoSeriousViolationsAsync(page);

        await page.ClickAsync("#test");
        await Expect(page.Locator("#test-result")).ToContainTextAsync("tools offered");
        var offered = int.Parse(await page.Locator("#test-tools").InnerTextAsync(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(offered > 0);

        page.Dialog += (_, dialog) => dialog.AcceptAsync();
        await page.ClickAsync("#disable");
        await Expect(page.Locator("#notice")).ToContainTextAsync("Disabled 'echo'");
        await Expect(page.Locator("#status")).ToHaveTextAsync("disabled");
        await Eventually.AssertAsync(() => !PeerServes(peer, "echo__whoami") && peer.Services.GetRequiredService<GatewayToolSource>().ToolsOf("echo") is null,
            "the peer to stop serving echo");
        Assert.False((await UpstreamPortal.WithAsync<UpstreamAdmin, UpstreamDefinition>(site.Server, a => a.GetAsync("echo", CancellationToken.None))).Enabled);

        await page.ClickAsync("#enable");
        await Expect(page.Locator("#notice")).ToContainTextAsync("Enabled 'echo'");
        await Eventually.AssertAsync(() => PeerServes(peer, "echo__whoami"), "the peer to serve echo again");

        await page.ClickAsync("#remove");
        await Expect(page.Locator("#notice")).ToContainTextAsync("Removed 'echo'");
        await Eventually.AssertAsync(() => peer.Services.GetRequiredService<GatewayToolSource>().ToolsOf("echo") is null, "the peer to drop echo");
        Assert.Empty(await UpstreamPortal.WithAsync<UpstreamAdmin, IReadOnlyList<UpstreamDefinition>>(site.Server, a => a.ListAsync(CancellationToken.None)));
        Assert.Empty(await UpstreamPortal.WithAsync<UpstreamHealthHistory, IReadOnlyList<UpstreamHealthCheckRecord>>(site.Server, h => h.ListAsync("echo", 100, CancellationToken.None)));
    }

    [Fact]
    public async Task A_tenant_owner_and_a_member_are_refused_the_upstream_pages_and_their_forms()
    {
        await using var site = await UpstreamPortal.StartAsync();
        await AddAsync(site, new UpstreamDefinition { Name = "docs", Transport = "http", Url = new Uri("http://127.0.0.1:9/mcp") });
        await using var context = await chromium.NewContextAsync();
        var page = await site.SignInAsync(context, PortalSite.MemberEmail);
        var refused = await page.GotoAsync(site.Url("/portal/upstreams").ToString());
        Assert.Equal(403, refused!.Status);
        await Expect(page.Locator("h1")).ToHaveTextAsync("Not allowed");
        await Expect(page.Locator("nav")).Not.ToContainTextAsync("Upstreams");
        await Axe.AssertNoSeriousViolationsAsync(page);

        foreach (var email in new[] { PortalSite.OwnerEmail, PortalSite.MemberEmail })
        {
            using var browser = await site.HttpBrowserAsync(email);
            using (var list = await browser.GetAsync("/portal/upstreams"))
            {
                Assert.Equal(HttpStatusCode.Forbidden, list.StatusCode);
            }

            using (var detail = await browser.GetAsync("/portal/upstreams/docs"))
            {
                Assert.Equal(HttpStatusCode.Forbidden, detail.StatusCode);
                Assert.DoesNotContain("127.0.0.1:9", await detail.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }

            using var overview = await browser.GetAsync("/portal");
            var csrf = PortalSite.Csrf(await overview.Content.ReadAsStringAsync());
            var remove = await PortalSite.PostFormAsync(browser, "/portal/upstreams/docs", "remove", new Dictionary<string, string>(), csrf);
            var add = await PortalSite.PostFormAsync(browser, "/portal/upstreams", "add",
                new Dictionary<string, string> { ["Add.Name"] = "mine", ["Add.Transport"] = "http", ["Add.Url"] = "http://127.0.0.1:9/mcp" }, csrf);
            Assert.Equal(HttpStatusCode.Forbidden, remove.Status);
            Assert.Equal(HttpStatusCode.Forbidden, add.Status);
        }

        var names = (await UpstreamPortal.WithAsync<UpstreamAdmin, IReadOnlyList<UpstreamDefinition>>(site.Server, a => a.ListAsync(CancellationToken.None))).Select(u => u.Name);
        Assert.Equal(["docs"], names);
    }

    [Fact]
    public async Task A_forged_stdio_add_is_refused_unless_the_servers_configuration_allows_that_command()
    {
        await using (var site = await UpstreamPortal.StartAsync())
        {
            using var admin = await site.HttpBrowserAsync(PortalSite.AdminEmail);
            var forged = await PortalSite.PostFormAsync(admin, "/portal/upstreams", "add",
                new Dictionary<string, string> { ["Add.Name"] = "shell", ["Add.Transport"] = "stdio", ["Add.Command"] = "/bin/sh", ["Add.Args"] = "-c\nid" });
            Assert.Equal(HttpStatusCode.Forbidden, forged.Status);
            Assert.Contains("does not add stdio upstreams", WebUtility.HtmlDecode(forged.Html), StringComparison.Ordinal);
            Assert.Empty(await UpstreamPortal.WithAsync<UpstreamAdmin, IReadOnlyList<UpstreamDefinition>>(site.Server, a => a.ListAsync(CancellationToken.None)));
        }

        await using (var site = await UpstreamPortal.StartAsync(new Dictionary<string, string?>
        {
            ["Portico:Gateway:AdminApiStdio:Enabled"] = "true",
            ["Portico:Gateway:AdminApiStdio:AllowedCommands:0"] = UpstreamServers.Node,
        }))
        {
            using var admin = await site.HttpBrowserAsync(PortalSite.AdminEmail);
            using (var page = await admin.GetAsync("/portal/upstreams"))
            {
                var html = await page.Content.ReadAsStringAsync();
                Assert.Contains("<option value=\"stdio\"", html, StringComparison.Ordinal);
                Assert.Contains("id=\"add-command\"", html, StringComparison.Ordinal);
            }

            var other = await PortalSite.PostFormAsync(admin, "/portal/upstreams", "add",
                new Dictionary<string, string> { ["Add.Name"] = "shell", ["Add.Transport"] = "stdio", ["Add.Command"] = "/bin/sh" });
            Assert.Equal(HttpStatusCode.Forbidden, other.Status);
            Assert.Contains("is not in Portico:Gateway:AdminApiStdio:AllowedCommands", WebUtility.HtmlDecode(other.Html), StringComparison.Ordinal);

            var allowed = await PortalSite.PostFormAsync(admin, "/portal/upstreams", "add", new Dictionary<string, string>
            {
                ["Add.Name"] = "everything",
                ["Add.Transport"] = "stdio",
                ["Add.Command"] = UpstreamServers.Node,
                ["Add.Args"] = UpstreamServers.Everything + "\r\nstdio",
                ["Add.Env"] = "EXAMPLE=1",
                ["Add.Disabled"] = "true",
            });
            Assert.Equal(HttpStatusCode.OK, allowed.Status);
            var added = await UpstreamPortal.WithAsync<UpstreamAdmin, UpstreamDefinition>(site.Server, a => a.GetAsync("everything", CancellationToken.None));
            Assert.Equal([UpstreamServers.Everything, "stdio"], added.Args);
            Assert.Equal("1", added.Env["EXAMPLE"]);
            Assert.False(added.Enabled);
        }
    }

    [Theory]
    [InlineData("Bad Name", "http://127.0.0.1:9/mcp", "", "is not a valid upstream name")]
    [InlineData("docs", "not a url", "", "needs an absolute http(s) URL")]
    [InlineData("docs", "ftp://127.0.0.1/mcp", "", "needs an absolute http(s) URL")]
    [InlineData("docs", "http://127.0.0.1:9/mcp", "no colon here secret123", "is not of the form Name: value")]
    [InlineData("docs", "http://127.0.0.1:9/mcp", "X-Bad\u0001: x", "is not a valid header name")]
    public async Task A_malformed_add_is_refused_with_what_to_fix_and_adds_nothing(string name, string url, string headers, string expected)
    {
        await using var site = await UpstreamPortal.StartAsync();
        using var admin = await site.HttpBrowserAsync(PortalSite.AdminEmail);

        var (status, html) = await PortalSite.PostFormAsync(admin, "/portal/upstreams", "add",
            new Dictionary<string, string> { ["Add.Name"] = name, ["Add.Transport"] = "http", ["Add.Url"] = url, ["Add.Headers"] = headers });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("id=\"problem\"", html, StringComparison.Ordinal);
        Assert.Contains(expected, WebUtility.HtmlDecode(html), StringComparison.Ordinal);
        Assert.DoesNotContain("secret123", html, StringComparison.Ordinal);
        Assert.Empty(await UpstreamPortal.WithAsync<UpstreamAdmin, IReadOnlyList<UpstreamDefinition>>(site.Server, a => a.ListAsync(CancellationToken.None)));
    }

    [Fact]
    public async Task Adding_a_name_twice_or_acting_on_an_unknown_upstream_is_refused()
    {
        await using var site = await UpstreamPortal.StartAsync();
        await AddAsync(site, new UpstreamDefinition { Name = "docs", Transport = "http", Url = new Uri("http://127.0.0.1:9/mcp") });
        using var admin = await site.HttpBrowserAsync(PortalSite.AdminEmail);

        var twice = await PortalSite.PostFormAsync(admin, "/portal/upstreams", "add",
            new Dictionary<string, string> { ["Add.Name"] = "docs", ["Add.Transport"] = "http", ["Add.Url"] = "http://127.0.0.1:10/mcp" });
        Assert.Equal(HttpStatusCode.BadRequest, twice.Status);
        Assert.Contains("already exists", WebUtility.HtmlDecode(twice.Html), StringComparison.Ordinal);
        Assert.Equal("http://127.0.0.1:9/mcp", (await UpstreamPortal.WithAsync<UpstreamAdmin, UpstreamDefinition>(site.Server, a => a.GetAsync("docs", CancellationToken.None))).Url!.ToString());

        using var missing = await admin.GetAsync("/portal/upstreams/nope");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task The_history_keeps_the_newest_checks_per_upstream_and_none_older_than_its_age()
    {
        await using var site = await UpstreamPortal.StartAsync();
        await AddAsync(site, new UpstreamDefinition { Name = "docs", Transport = "http", Url = new Uri("http://127.0.0.1:9/mcp"), Enabled = false });
        await AddAsync(site, new UpstreamDefinition { Name = "other", Transport = "http", Url = new Uri("http://127.0.0.1:9/mcp"), Enabled = false });

        await using var scope = site.Server.Services.CreateAsyncScope();
        var history = scope.ServiceProvider.GetRequiredService<UpstreamHealthHistory>();
        await history.RecordAsync("other", "test", true, 1, null, CancellationToken.None);
        for (var i = 0; i < UpstreamHealthHistory.Kept + 5; i++)
        {
            await history.RecordAsync("docs", "test", i % 2 == 0, i, i % 2 == 0 ? null : $"failure {i}", CancellationToken.None);
        }

        var kept = await history.ListAsync("docs", UpstreamHealthHistory.Kept, CancellationToken.None);
        Assert.Equal(UpstreamHealthHistory.Kept, kept.Count);
        Assert.Equal(UpstreamHealthHistory.Kept + 4, kept[0].LatencyMs);
        Assert.Equal(5, kept[^1].LatencyMs);
        Assert.Single(await history.ListAsync("other", 10, CancellationToken.None));

        site.Server.Clock.Advance(UpstreamHealthHistory.MaxAge + TimeSpan.FromMinutes(1));
        await history.RecordAsync("docs", "test", false, null, "after a week", CancellationToken.None);
        var fresh = Assert.Single(await history.ListAsync("docs", 100, CancellationToken.None));
        Assert.Equal("after a week", fresh.Error);
    }

    private static bool PeerServes(PorticoTestServer peer, string tool)
        => peer.Services.GetRequiredService<GatewayToolSource>().Tools.Any(t => t.Tool.Name == tool);

    private static Task<UpstreamDefinition> AddAsync(PortalSite site, UpstreamDefinition upstream)
        => UpstreamPortal.WithAsync<UpstreamAdmin, UpstreamDefinition>(site.Server, a => a.AddAsync(upstream, CancellationToken.None));
}
