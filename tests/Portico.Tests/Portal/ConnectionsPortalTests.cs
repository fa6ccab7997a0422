using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portico.Access;
using Portico.Gateway;
using Portico.Storage;
using Portico.Tests.TestSupport;
using static Microsoft.Playwright.Assertions;

namespace Portico.Tests.Portal;

/// <summary>
/// "My connections" and a tenant's shared credentials: storing, replacing and clearing one's own secret (never shown
/// again), the upstream's refusal shown with its answer, the OAuth connect link leading to the upstream's sign-in, and the
/// attacker's posts: another user's credential, another tenant's, CSRF from another browser, malformed and oversized secrets.
/// </summary>
public sealed partial class ConnectionsPortalTests(HeadlessChromium chromium) : IClassFixture<HeadlessChromium>
{
    private const string Path = "/portal/connections";

    [Fact]
    public async Task A_user_stores_replaces_and_clears_their_credential_and_never_sees_the_secret_again()
    {
        await using var site = await UpstreamPortal.StartAsync();
        await AddAsync(site, "echo", UpstreamDefinition.CredentialsUser);
        await AddAsync(site, "team", UpstreamDefinition.CredentialsTenant);
        var ownerId = await UserIdAsync(site, PortalSite.OwnerEmail);
        await using var context = await chromium.NewContextAsync();
        var page = await site.SignInAsync(context, PortalSite.OwnerEmail, Path);
        await Expect(page.Locator("#credential-echo")).ToContainTextAsync("not stored");
        await Expect(page.Locator("#tenant-credentials")).ToContainTextAsync("team");
        await Expect(page.Locator("#tenant-credentials a")).ToHaveAttributeAsync("href", $"/portal/tenants/{site.TenantId}/credentials");
        await Axe.AssertNoSeriousViolationsAsync(page);

        await page.SelectOptionAsync("#store-upstream", "echo");
        await page.FillAsync("#store-secret", "first-secret-value");
        await page.ClickAsync("#store");
        await Expect(page.Locator("#notice")).ToContainTextAsync("Saved your credential for 'echo'");
        await Expect(page.Locator("#credential-echo")).ToContainTextAsync("stored");
        Assert.DoesNotContain("first-secret-value", await page.ContentAsync(), StringComparison.Ordinal);
        Assert.Equal("first-secret-value", (await FindAsync(site, "echo", "user", ownerId))!.Secret);

        // The upstream refused it: the page says so with the upstream's answer (encoded), until a new one is stored.
        await using (var scope = site.Server.Services.CreateAsyncScope())
        {
            var store = scope.ServiceProvider.GetRequiredService<UpstreamCredentialStore>();
            Assert.True(await store.MarkInvalidAsync((await store.FindAsync("echo", "user", ownerId, CancellationToken.None))!, "<script>alert('401')</script>", CancellationToken.None));
        }

        // Not a reload: that would post the form again.
        await page.GotoAsync(site.Url(Path).ToString());
        await Expect(page.Locator("#credential-echo")).ToContainTextAsync("invalid");
        await Expect(page.Locator("#credential-echo")).ToContainTextAsync("<script>alert('401')</script>");
        Assert.DoesNotContain("<script>alert('401')</script>", await page.ContentAsync(), StringComparison.Ordinal);

        await page.FillAsync("#store-secret", "second-secret-value");
        await page.ClickAsync("#store");
        await Expect(page.Locator("#credential-echo")).Not.ToContainTextAsync("invalid");
        var replaced = (await FindAsync(site, "echo", "user", ownerId))!;
        Assert.Equal("second-secret-value", replaced.Secret);
        Assert.Null(replaced.InvalidAt);

        page.Dialog += (_, dialog) => dialog.AcceptAsync();
        await page.ClickAsync("#clear-echo");
        await Expect(page.Locator("#notice")).ToContainTextAsync("Cleared your credential for 'echo'");
        Assert.Null(await FindAsync(site, "echo", "user", ownerId));

        foreach (var email in new[] { PortalSite.MemberEmail, PortalSite.AdminEmail })
        {
            await using var other = await chromium.NewContextAsync();
            var theirs = await site.SignInAsync(other, email, Path);
            await Expect(theirs.Locator("#credential-echo")).ToContainTextAsync("not stored");
            await Axe.AssertNoSeriousViolationsAsync(theirs);
        }
    }

    [Fact]
    public async Task A_user_cannot_clear_or_set_another_users_credential_and_bad_secrets_are_refused_with_the_stores_message()
    {
        await using var site = await UpstreamPortal.StartAsync();
        await AddAsync(site, "echo", UpstreamDefinition.CredentialsUser);
        var ownerId = await UserIdAsync(site, PortalSite.OwnerEmail);
        var memberId = await UserIdAsync(site, PortalSite.MemberEmail);
        await using (var scope = site.Server.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<UpstreamCredentialStore>().SetAsync("echo", "user", ownerId, "owners-secret", ownerId, CancellationToken.None);
        }

        using var member = await site.HttpBrowserAsync(PortalSite.MemberEmail);
        using (var page = await member.GetAsync(Path))
        {
            Assert.DoesNotContain("owners-secret", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // Naming the owner in the form changes nothing: the page's owner is the viewer.
        var clear = await PortalSite.PostFormAsync(member, Path, "clear",
            new Dictionary<string, string> { ["Clear.Upstream"] = "echo", ["Clear.Owner"] = ownerId, ["Clear.OwnerId"] = ownerId });
        Assert.Equal(HttpStatusCode.BadRequest, clear.Status);
        Assert.Contains("No user credential", WebUtility.HtmlDecode(clear.Html), StringComparison.Ordinal);
        var store = await PortalSite.PostFormAsync(member, Path, "store",
            new Dictionary<string, string> { ["Store.Upstream"] = "echo", ["Store.Secret"] = "members-secret", ["Store.Owner"] = ownerId, ["Store.OwnerId"] = ownerId });
        Assert.Equal(HttpStatusCode.OK, store.Status);
        Assert.Equal("owners-secret", (await FindAsync(site, "echo", "user", ownerId))!.Secret);
        Assert.Equal("members-secret", (await FindAsync(site, "echo", "user", memberId))!.Secret);

        // A token from another browser (the owner's) is refused.
        using var owner = await site.HttpBrowserAsync(PortalSite.OwnerEmail);
        using var ownersPage = await owner.GetAsync(Path);
        var planted = await PortalSite.PostFormAsync(member, Path, "clear", new Dictionary<string, string> { ["Clear.Upstream"] = "echo" },
            PortalSite.Csrf(await ownersPage.Content.ReadAsStringAsync()));
        Assert.Equal(HttpStatusCode.Forbidden, planted.Status);
        Assert.NotNull(await FindAsync(site, "echo", "user", memberId));

        foreach (var (secret, message) in new[]
        {
            ("line one\nline two", "line break"),
            (new string('x', UpstreamCredentialStore.MaxSecretLength + 1), $"longer than {UpstreamCredentialStore.MaxSecretLength}"),
            ("", "The secret is empty"),
        })
        {
            var refused = await PortalSite.PostFormAsync(member, Path, "store", new Dictionary<string, string> { ["Store.Upstream"] = "echo", ["Store.Secret"] = secret });
            Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
            Assert.Contains(message, WebUtility.HtmlDecode(refused.Html), StringComparison.Ordinal);
            Assert.Equal("members-secret", (await FindAsync(site, "echo", "user", memberId))!.Secret);
        }

        var unknown = await PortalSite.PostFormAsync(member, Path, "store", new Dictionary<string, string> { ["Store.Upstream"] = "<b>nope</b>", ["Store.Secret"] = "x" });
        Assert.Equal(HttpStatusCode.BadRequest, unknown.Status);
        Assert.DoesNotContain("<b>nope</b>", unknown.Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_connect_link_on_the_page_leads_to_the_upstreams_own_sign_in_and_disconnect_clears_the_tokens()
    {
        await using var upstream = await PorticoTestServer.StartAsync();
        await using var site = await UpstreamPortal.StartAsync();
        await UpstreamPortal.WithAsync<UpstreamAdmin, UpstreamDefinition>(site.Server, a => a.AddAsync(new UpstreamDefinition
        {
            Name = "up",
            Transport = "http",
            Url = upstream.McpEndpoint,
            CredentialMode = UpstreamDefinition.CredentialsOAuth,
        }, CancellationToken.None));
        await using var context = await chromium.NewContextAsync();
        var page = await site.SignInAsync(context, PortalSite.OwnerEmail, Path);
        await Expect(page.Locator("#oauth-up")).ToContainTextAsync("not connected");
        await Axe.AssertNoSeriousViolationsAsync(page);

        await page.ClickAsync("#connect-up");
        await page.WaitForURLAsync(url => new Uri(url).Authority == upstream.BaseAddress.Authority);
        await Expect(page.Locator("#password")).ToBeVisibleAsync();

        // Once connected (tokens stored), the page says so and Disconnect removes them.
        var ownerId = await UserIdAsync(site, PortalSite.OwnerEmail);
        await using (var scope = site.Server.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<UpstreamCredentialStore>().SetAsync("up", "oauth", ownerId,
                new UpstreamOAuthTokens("access", "refresh", null).Serialize(), "oauth", CancellationToken.None);
        }

        await page.GotoAsync(site.Url(Path).ToString());
        await Expect(page.Locator("#oauth-up")).ToContainTextAsync("connected since");
        Assert.DoesNotContain("refresh", await page.Locator("#oauth-up").InnerTextAsync(), StringComparison.Ordinal);
        page.Dialog += (_, dialog) => dialog.AcceptAsync();
        await page.ClickAsync("#disconnect-up");
        await Expect(page.Locator("#notice")).ToContainTextAsync("Disconnected your account at 'up'");
        Assert.Null(await FindAsync(site, "up", "oauth", ownerId));

        // A link taken from the page is the viewer's: another user's browser is refused by the connect endpoint.
        using var member = await site.HttpBrowserAsync(PortalSite.MemberEmail);
        using var owner = await site.HttpBrowserAsync(PortalSite.OwnerEmail);
        using var ownersPage = await owner.GetAsync(Path);
        var link = WebUtility.HtmlDecode(ConnectHref().Match(await ownersPage.Content.ReadAsStringAsync()).Groups[1].Value);
        Assert.StartsWith("/gateway/upstreams/up/connect?link=", link, StringComparison.Ordinal);
        using var stolen = await member.GetAsync(link);
        Assert.Equal(HttpStatusCode.Forbidden, stolen.StatusCode);
    }

    [Fact]
    public async Task A_tenant_owner_manages_the_tenants_shared_credential_and_nobody_else_can()
    {
        await using var site = await UpstreamPortal.StartAsync();
        await AddAsync(site, "team", UpstreamDefinition.CredentialsTenant);
        var path = $"/portal/tenants/{site.TenantId}/credentials";
        await using var context = await chromium.NewContextAsync();
        var page = await site.SignInAsync(context, PortalSite.OwnerEmail, path);
        await Expect(page.Locator("#credential-team")).ToContainTextAsync("not stored");
        await Axe.AssertNoSeriousViolationsAsync(page);
        await page.FillAsync("#store-secret", "tenant-secret");
        await page.ClickAsync("#store");
        await Expect(page.Locator("#credential-team")).ToContainTextAsync("stored");
        Assert.DoesNotContain("tenant-secret", await page.ContentAsync(), StringComparison.Ordinal);
        Assert.Equal("tenant-secret", (await FindAsync(site, "team", "tenant", site.TenantId))!.Secret);

        await using (var adminContext = await chromium.NewContextAsync())
        {
            var admin = await site.SignInAsync(adminContext, PortalSite.AdminEmail, path);
            await Expect(admin.Locator("#credential-team")).ToContainTextAsync("stored");
            await Axe.AssertNoSeriousViolationsAsync(admin);
        }

        // Tenant B's owner and tenant A's member: refused the page and its forms, whatever they post.
        foreach (var email in new[] { PortalSite.OtherOwnerEmail, PortalSite.MemberEmail })
        {
            using var attacker = await site.HttpBrowserAsync(email);
            using (var get = await attacker.GetAsync(path))
            {
                Assert.Equal(HttpStatusCode.Forbidden, get.StatusCode);
            }

            using var own = await attacker.GetAsync("/portal");
            var csrf = PortalSite.Csrf(await own.Content.ReadAsStringAsync());
            var set = await PortalSite.PostFormAsync(attacker, path, "store", new Dictionary<string, string> { ["Store.Upstream"] = "team", ["Store.Secret"] = "pwned" }, csrf);
            var clear = await PortalSite.PostFormAsync(attacker, path, "clear", new Dictionary<string, string> { ["Clear.Upstream"] = "team" }, csrf);
            Assert.Equal(HttpStatusCode.Forbidden, set.Status);
            Assert.Equal(HttpStatusCode.Forbidden, clear.Status);
        }

        Assert.Equal("tenant-secret", (await FindAsync(site, "team", "tenant", site.TenantId))!.Secret);

        // Tenant B's owner on their own page stores theirs, not A's.
        using var otherOwner = await site.HttpBrowserAsync(PortalSite.OtherOwnerEmail);
        var theirs = await PortalSite.PostFormAsync(otherOwner, $"/portal/tenants/{site.OtherTenantId}/credentials", "store",
            new Dictionary<string, string> { ["Store.Upstream"] = "team", ["Store.Secret"] = "b-secret" });
        Assert.Equal(HttpStatusCode.OK, theirs.Status);
        Assert.Equal("b-secret", (await FindAsync(site, "team", "tenant", site.OtherTenantId))!.Secret);
        Assert.Equal("tenant-secret", (await FindAsync(site, "team", "tenant", site.TenantId))!.Secret);
    }

    private static Task<UpstreamDefinition> AddAsync(PortalSite site, string name, string mode)
        => UpstreamPortal.WithAsync<UpstreamAdmin, UpstreamDefinition>(site.Server, a => a.AddAsync(new UpstreamDefinition
        {
            Name = name,
            Transport = "http",
            Url = new Uri("http://127.0.0.1:9/mcp"),
            CredentialMode = mode,
        }, CancellationToken.None));

    private static Task<UpstreamCredential?> FindAsync(PortalSite site, string upstream, string kind, string owner)
        => UpstreamPortal.WithAsync<UpstreamCredentialStore, UpstreamCredential?>(site.Server, s => s.FindAsync(upstream, kind, owner, CancellationToken.None));

    private static Task<string> UserIdAsync(PortalSite site, string email)
        => UpstreamPortal.WithAsync<PorticoDbContext, string>(site.Server, db => db.Set<UserRecord>().Where(u => u.Email == email).Select(u => u.Id).SingleAsync());

    [GeneratedRegex("href=\"([^\"]+)\" id=\"connect-up\"")]
    private static partial Regex ConnectHref();
}
