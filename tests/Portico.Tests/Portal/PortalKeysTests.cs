using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Portico.Access;
using Portico.Tests.TestSupport;
using static Microsoft.Playwright.Assertions;

namespace Portico.Tests.Portal;

/// <summary>
/// The API keys page: a key created in the browser works on /mcp at once and its secret appears exactly once, with a
/// client configuration; revoking it refuses it at once; use is listed; and the attacker's requests (another user's key,
/// a forged admin scope, another tenant, a planted CSRF token, hostile and oversized names) change nothing.
/// </summary>
public sealed class PortalKeysTests(HeadlessChromium chromium) : IClassFixture<HeadlessChromium>
{
    [Fact]
    public async Task A_member_creates_a_key_that_works_at_once_sees_its_secret_once_and_revokes_it()
    {
        await using var site = await PortalSite.StartAsync();
        await using var context = await chromium.NewContextAsync();
        var page = await site.SignInAsync(context, PortalSite.MemberEmail, "/portal/keys");
        page.Dialog += (_, dialog) => dialog.AcceptAsync();
        await Axe.AssertNoSeriousViolationsAsync(page);
        await Expect(page.Locator("#scope-admin")).ToHaveCountAsync(0);

        await page.FillAsync("#key-name", "laptop");
        await page.SelectOptionAsync("#key-tenant", site.TenantId);
        await page.UncheckAsync("#scope-files-write");
        await page.ClickAsync("#create-key");

        var plaintext = (await page.Locator("#api-key").TextContentAsync())!.Trim();
        Assert.StartsWith("ptk_live_", plaintext, StringComparison.Ordinal);
        var config = JsonNode.Parse((await page.Locator("#client-config").TextContentAsync())!)!;
        Assert.Equal(site.Server.McpEndpoint.ToString(), (string?)config["mcpServers"]!["portico"]!["url"]);
        Assert.Equal($"Bearer {plaintext}", (string?)config["mcpServers"]!["portico"]!["headers"]!["Authorization"]);
        await Expect(page.Locator("[data-copy='client-config']")).ToBeVisibleAsync();
        await Axe.AssertNoSeriousViolationsAsync(page);

        var key = (await site.Server.AdminAsync(a => a.ListKeysAsync(null, CancellationToken.None))).Single(k => k.Name == "laptop");
        Assert.Equal(site.TenantId, key.TenantId);
        Assert.DoesNotContain(Scopes.Write("files"), key.Scopes.Split(' '));
        Assert.Contains(Scopes.Write("records"), key.Scopes.Split(' '));
        Assert.NotNull(key.ExpiresAt);

        using var client = site.Server.CreateClient(plaintext);
        var mcp = new McpHttp(client);
        var session = await mcp.InitializeAsync();

        // The secret was in that one response only: a reload and the lists never show it.
        await page.GotoAsync(site.Url("/portal/keys").ToString());
        Assert.DoesNotContain(plaintext, await page.ContentAsync(), StringComparison.Ordinal);
        await Expect(page.Locator("#api-key")).ToHaveCountAsync(0);
        await Expect(page.Locator($"#my-keys-{key.Id}")).ToContainTextAsync("active");

        // Use is counted in memory and written in batches; once written, the list shows it.
        await site.Server.Services.GetRequiredService<ApiKeyUsage>().FlushAsync(CancellationToken.None);
        await page.ReloadAsync();
        await Expect(page.Locator($"#my-keys-{key.Id} td").Nth(6)).Not.ToHaveTextAsync("never");
        await Expect(page.Locator($"#my-keys-{key.Id} td").Nth(7)).Not.ToHaveTextAsync("0");

        await page.ClickAsync($"#my-keys-{key.Id} button[name='Revoke.Id']");
        await Expect(page.Locator("#notice")).ToContainTextAsync($"Revoked key {key.Id}");
        var refused = await mcp.CallToolAsync(session, "ping");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.Status);
        Assert.Contains("revoked", refused.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_administrator_sees_every_users_keys_with_the_owner_and_may_create_an_admin_key_and_revoke_any()
    {
        await using var site = await PortalSite.StartAsync();
        var members = await site.Server.AdminAsync(a => a.CreateKeyAsync(PortalSite.MemberEmail, "members-key", null, new HashSet<string>(Scopes.AllAreaScopes), null, false, CancellationToken.None));
        await using var context = await chromium.NewContextAsync();
        var page = await site.SignInAsync(context, PortalSite.AdminEmail, "/portal/keys");
        page.Dialog += (_, dialog) => dialog.AcceptAsync();
        await Expect(page.Locator($"#all-keys-{members.Record.Id}")).ToContainTextAsync(PortalSite.MemberEmail);
        await Axe.AssertNoSeriousViolationsAsync(page);

        await page.FillAsync("#key-name", "ops");
        await page.CheckAsync("#scope-admin");
        await page.SelectOptionAsync("#key-expiry", "never");
        await page.ClickAsync("#create-key");
        await Expect(page.Locator("#api-key")).ToBeVisibleAsync();
        var ops = (await site.Server.AdminAsync(a => a.ListKeysAsync(null, CancellationToken.None))).Single(k => k.Name == "ops");
        Assert.Contains(Scopes.Admin, ops.Scopes.Split(' '));
        Assert.Null(ops.ExpiresAt);

        await page.ClickAsync($"#all-keys-{members.Record.Id} button[name='Revoke.Id']");
        await Expect(page.Locator("#notice")).ToContainTextAsync($"Revoked key {members.Record.Id}");
        Assert.NotNull((await site.Server.AdminAsync(a => a.ListKeysAsync(null, CancellationToken.None))).Single(k => k.Id == members.Record.Id).RevokedAt);
    }

    [Fact]
    public async Task Revoking_another_users_key_is_refused_and_revokes_nothing()
    {
        await using var site = await PortalSite.StartAsync();
        var owners = (await site.Server.AdminAsync(a => a.ListKeysAsync(null, CancellationToken.None))).Single();
        using var member = await site.HttpBrowserAsync(PortalSite.MemberEmail);

        var refused = await PortalSite.PostFormAsync(member, "/portal/keys", "revoke", new Dictionary<string, string> { ["Revoke.Id"] = owners.Id });
        var unknown = await PortalSite.PostFormAsync(member, "/portal/keys", "revoke", new Dictionary<string, string> { ["Revoke.Id"] = "0123456789abcdef" });

        Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
        Assert.Contains("is not one of your API keys", refused.Html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, unknown.Status);
        Assert.Null((await site.Server.AdminAsync(a => a.ListKeysAsync(null, CancellationToken.None))).Single().RevokedAt);
        using var stillWorks = site.Server.CreateClient();
        await new McpHttp(stillWorks).InitializeAsync();
    }

    [Fact]
    public async Task A_forged_admin_scope_another_tenant_and_bad_input_are_refused_and_create_no_key()
    {
        await using var site = await PortalSite.StartAsync();
        using var member = await site.HttpBrowserAsync(PortalSite.MemberEmail);
        var before = (await site.Server.AdminAsync(a => a.ListKeysAsync(null, CancellationToken.None))).Count;

        var forged = await CreateAsync(member, new() { ["Create.Name"] = "root", ["Create.Scopes"] = Scopes.Admin });
        var otherTenant = await CreateAsync(member, new() { ["Create.Name"] = "theirs", ["Create.Tenant"] = site.OtherTenantId, ["Create.Scopes"] = Scopes.Read("records") });
        var unknownScope = await CreateAsync(member, new() { ["Create.Name"] = "x", ["Create.Scopes"] = "portico/everything" });
        var noScope = await CreateAsync(member, new() { ["Create.Name"] = "x" });
        var longName = await CreateAsync(member, new() { ["Create.Name"] = new string('k', 3000), ["Create.Scopes"] = Scopes.Read("records") });
        var pastDate = await CreateAsync(member, new() { ["Create.Name"] = "x", ["Create.Scopes"] = Scopes.Read("records"), ["Create.Expiry"] = "date", ["Create.ExpiresOn"] = "2001-01-01" });
        var badDate = await CreateAsync(member, new() { ["Create.Name"] = "x", ["Create.Scopes"] = Scopes.Read("records"), ["Create.Expiry"] = "date", ["Create.ExpiresOn"] = "tomorrow" });

        Assert.Equal(HttpStatusCode.Forbidden, forged.Status);
        Assert.Contains("Only a Portico administrator may create a key with portico/admin.", forged.Html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, otherTenant.Status);
        Assert.Contains($"&#x27;{PortalSite.MemberEmail}&#x27; is not a member of tenant &#x27;{site.OtherTenantId}&#x27;, so a key cannot be bound to it.", otherTenant.Html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, unknownScope.Status);
        Assert.Contains("Unknown scope &#x27;portico/everything&#x27;.", unknownScope.Html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, noScope.Status);
        Assert.Contains("A key needs at least one scope.", noScope.Html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, longName.Status);
        Assert.Contains("A key name is at most 100 characters", longName.Html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, pastDate.Status);
        Assert.Contains("is not between tomorrow and 100 years from now", pastDate.Html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, badDate.Status);
        Assert.Contains("Choose the date the key expires.", badDate.Html, StringComparison.Ordinal);
        foreach (var refused in new[] { forged, otherTenant, unknownScope, noScope, longName, pastDate, badDate })
        {
            Assert.DoesNotContain("id=\"api-key\"", refused.Html, StringComparison.Ordinal);
        }

        Assert.Equal(before, (await site.Server.AdminAsync(a => a.ListKeysAsync(null, CancellationToken.None))).Count);
    }

    [Fact]
    public async Task A_hostile_key_name_is_shown_encoded_and_a_csrf_token_from_another_browser_creates_nothing()
    {
        await using var site = await PortalSite.StartAsync();
        using var member = await site.HttpBrowserAsync(PortalSite.MemberEmail);
        using var attacker = await site.HttpBrowserAsync(PortalSite.OtherOwnerEmail);

        var hostile = await CreateAsync(member, new() { ["Create.Name"] = "<img src=x onerror=alert(1)>", ["Create.Scopes"] = Scopes.Read("records") });
        var planted = await PortalSite.PostFormAsync(member, "/portal/keys", "create-key",
            new Dictionary<string, string> { ["Create.Name"] = "planted", ["Create.Scopes"] = Scopes.Read("records") }, PortalSite.Csrf(await attacker.GetStringAsync("/portal/keys")));

        Assert.Equal(HttpStatusCode.OK, hostile.Status);
        Assert.DoesNotContain("<img src=x", hostile.Html, StringComparison.Ordinal);
        Assert.Contains("&lt;img src=x onerror=alert(1)&gt;", hostile.Html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, planted.Status);
        Assert.DoesNotContain((await site.Server.AdminAsync(a => a.ListKeysAsync(null, CancellationToken.None))), k => k.Name == "planted");
    }

    private static Task<(HttpStatusCode Status, string Html)> CreateAsync(HttpClient browser, Dictionary<string, string> fields)
        => PortalSite.PostFormAsync(browser, "/portal/keys", "create-key", fields);
}
