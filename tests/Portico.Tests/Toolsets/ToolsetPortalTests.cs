using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Portico.Tests.Portal;
using Portico.Tests.TestSupport;
using Portico.Toolsets;
using static Microsoft.Playwright.Assertions;

namespace Portico.Tests.Toolsets;

/// <summary>Toolsets in the portal, in Chromium: a tenant's owner manages the tenant's, operators the global ones; nobody else can, and what users typed renders inert.</summary>
public sealed class ToolsetPortalTests(HeadlessChromium chromium) : IClassFixture<HeadlessChromium>
{
    private const string Hostile = "<img src=x onerror=\"window.__pwned=1\"><script>window.__pwned=2</script>";

    [Fact]
    public async Task A_tenant_owner_creates_edits_and_deletes_a_toolset_whose_endpoint_serves_it_and_hostile_text_stays_text()
    {
        await using var site = await PortalSite.StartAsync();
        var path = $"/portal/tenants/{site.TenantId}/toolsets";
        await using var context = await chromium.NewContextAsync();
        var page = await site.SignInAsync(context, PortalSite.OwnerEmail, path);
        await Expect(page.Locator("#no-toolsets")).ToBeVisibleAsync();
        await Axe.AssertNoSeriousViolationsAsync(page);

        await page.FillAsync("#toolset-name", "desk");
        await page.FillAsync("#toolset-title", Hostile);
        await page.FillAsync("#toolset-description", Hostile);
        await page.FillAsync("#toolset-tools", $"ping=are_you_there | {Hostile} | {Hostile}\nget-session-context");
        await page.ClickAsync("#save-toolset");
        await Expect(page.Locator("#notice")).ToContainTextAsync("Created the toolset desk: its endpoint is /toolsets/desk/mcp.");
        await Expect(page.Locator("#toolset-desk")).ToContainTextAsync("are_you_there");
        await Expect(page.Locator("#toolset-desk")).ToContainTextAsync(Hostile);
        Assert.Null(await page.EvaluateAsync<int?>("window.__pwned"));
        Assert.Equal(0, await page.Locator("#toolset-desk img").CountAsync());
        await Axe.AssertNoSeriousViolationsAsync(page);

        // The endpoint serves what the page saved, to the tenant's member, under the override.
        using var client = site.Server.CreateClient();
        var mcp = new McpHttp(client, "/toolsets/desk/mcp");
        var session = await mcp.InitializeAsync();
        var tools = (await mcp.PostAsync("""{"jsonrpc":"2.0","id":2,"method":"tools/list"}""", session)).Final["result"]!["tools"]!.AsArray();
        Assert.Equal(["are_you_there", "get-session-context"], tools.Select(t => (string?)t!["name"]));
        Assert.Equal(Hostile, (string?)tools[0]!["title"]);

        // A refused save says why and keeps what was typed.
        await page.ClickAsync("#edit-desk");
        await page.FillAsync("#toolset-tools", "ping=a b c");
        await page.ClickAsync("#save-toolset");
        await Expect(page.Locator("#problem")).ToContainTextAsync("'a b c' (for 'ping') is not a valid tool name.");
        await Expect(page.Locator("#toolset-tools")).ToHaveValueAsync("ping=a b c");

        await page.FillAsync("#toolset-tools", "ping");
        await page.ClickAsync("#save-toolset");
        await Expect(page.Locator("#notice")).ToContainTextAsync("Saved the toolset desk");
        await Eventually.AssertAsync(async () => (await mcp.PostAsync("""{"jsonrpc":"2.0","id":3,"method":"tools/list"}""", session)).Final["result"]!["tools"]!.AsArray()
            .Select(t => (string?)t!["name"]).SequenceEqual(["ping"]), "the edited toolset to be served");

        page.Dialog += (_, dialog) => dialog.AcceptAsync();
        await page.ClickAsync("#delete-desk");
        await Expect(page.Locator("#notice")).ToContainTextAsync("Deleted the toolset desk.");
        Assert.Empty(await ListAsync(site, ToolsetScope.Tenant(site.TenantId)));
    }

    [Fact]
    public async Task Another_tenants_owner_and_a_member_cannot_see_or_change_a_tenants_toolsets_and_only_operators_manage_global_ones()
    {
        await using var site = await PortalSite.StartAsync();
        await using (var scope = site.Server.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<ToolsetAdmin>().CreateAsync(new ToolsetInput
            {
                Name = "secret-desk",
                TenantId = site.TenantId,
                Tools = [new ToolsetEntryInput { Tool = "ping" }],
            }, ToolsetScope.Operator, "test", CancellationToken.None);
        }

        var path = $"/portal/tenants/{site.TenantId}/toolsets";
        foreach (var email in new[] { PortalSite.OtherOwnerEmail, PortalSite.MemberEmail })
        {
            using var attacker = await site.HttpBrowserAsync(email);
            using var denied = await attacker.GetAsync(path, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
            Assert.DoesNotContain("secret-desk", await denied.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
            using var own = await attacker.GetAsync("/portal", TestContext.Current.CancellationToken);
            var csrf = PortalSite.Csrf(await own.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
            var save = await PortalSite.PostFormAsync(attacker, path, "save", new Dictionary<string, string> { ["Save.Editing"] = "secret-desk", ["Save.Tools"] = "get-session-context" }, csrf);
            var delete = await PortalSite.PostFormAsync(attacker, path, "delete-secret-desk", new Dictionary<string, string>(), csrf);
            Assert.Equal(HttpStatusCode.Forbidden, save.Status);
            Assert.Equal(HttpStatusCode.Forbidden, delete.Status);
            var global = await PortalSite.PostFormAsync(attacker, "/portal/toolsets", "save", new Dictionary<string, string> { ["Save.Name"] = "mine", ["Save.Tools"] = "ping" }, csrf);
            Assert.Equal(HttpStatusCode.Forbidden, global.Status);
        }

        // The other tenant's owner, on its own tenant's page, cannot reach this tenant's toolset by name either.
        using (var other = await site.HttpBrowserAsync(PortalSite.OtherOwnerEmail))
        {
            var ownPath = $"/portal/tenants/{site.OtherTenantId}/toolsets";
            var edit = await PortalSite.PostFormAsync(other, ownPath, "save", new Dictionary<string, string> { ["Save.Editing"] = "secret-desk", ["Save.Tools"] = "get-session-context" });
            Assert.Equal(HttpStatusCode.BadRequest, edit.Status);
            Assert.Contains("No toolset 'secret-desk'", WebUtility.HtmlDecode(edit.Html), StringComparison.Ordinal);
        }

        Assert.Equal(["ping"], ToolsetAdmin.EntriesOf((await ListAsync(site, ToolsetScope.Tenant(site.TenantId))).Single()).Select(e => e.Tool));

        // An operator manages the global toolsets (and does not see the tenant's there).
        await using var context = await chromium.NewContextAsync();
        var admin = await site.SignInAsync(context, PortalSite.AdminEmail, "/portal/toolsets");
        await Expect(admin.Locator("main")).Not.ToContainTextAsync("secret-desk");
        await admin.FillAsync("#toolset-name", "everyone");
        await admin.FillAsync("#toolset-tools", "ping");
        await admin.ClickAsync("#save-toolset");
        await Expect(admin.Locator("#notice")).ToContainTextAsync("Created the toolset everyone");
        await Axe.AssertNoSeriousViolationsAsync(admin);
        Assert.Null((await ListAsync(site, ToolsetScope.Global)).Single().TenantId);
    }

    private static async Task<IReadOnlyList<ToolsetRecord>> ListAsync(PortalSite site, ToolsetScope scope)
    {
        await using var services = site.Server.Services.CreateAsyncScope();
        return await services.ServiceProvider.GetRequiredService<ToolsetAdmin>().ListAsync(scope, CancellationToken.None);
    }
}
