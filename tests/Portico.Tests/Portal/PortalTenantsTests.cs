using System.Net;
using Microsoft.Playwright;
using Portico.Access;
using Portico.Tests.Cli;
using Portico.Tests.TestSupport;
using static Microsoft.Playwright.Assertions;

namespace Portico.Tests.Portal;

/// <summary>
/// The tenants pages in Chromium as each role and as an attacker's raw requests: the list (every tenant for an
/// administrator, one's own with the role for others), creating a tenant and changing a plan (administrators only),
/// what each tier unlocks, and the members page with its owner rules and last-owner guard (also through the CLI).
/// </summary>
public sealed class PortalTenantsTests(HeadlessChromium chromium) : IClassFixture<HeadlessChromium>
{
    [Fact]
    public async Task An_administrator_sees_every_tenant_and_creates_one_whose_hostile_name_is_shown_encoded()
    {
        await using var site = await PortalSite.StartAsync();
        await using var context = await chromium.NewContextAsync();
        var page = await site.SignInAsync(context, PortalSite.AdminEmail, "/portal/tenants");
        await Expect(page.Locator("#tenants")).ToContainTextAsync("Test team");
        await Expect(page.Locator("#tenants")).ToContainTextAsync("Other team");
        await Axe.AssertNoSeriousViolationsAsync(page);

        await page.ClickAsync("#create-tenant");
        await Axe.AssertNoSeriousViolationsAsync(page);
        await page.FillAsync("#tenant-name", "<script>alert('x')</script> & \"Co\"");
        await page.SelectOptionAsync("#tenant-plan", "pro");
        await page.FillAsync("#tenant-owner", "New.Owner@Portico.test");
        await page.ClickAsync("#create");

        await Expect(page.Locator("#notice")).ToContainTextAsync("Created tenant <script>alert('x')</script>");
        var created = (await site.Server.AdminAsync(a => a.ListTenantsAsync(CancellationToken.None))).Single(t => t.Name.StartsWith("<script>", StringComparison.Ordinal));
        Assert.Equal("pro", created.PlanKey);
        var members = await site.Server.AdminAsync(a => a.ListMembersAsync(created.Id, CancellationToken.None));
        Assert.Equal([("new.owner@portico.test", "owner")], members.Select(m => (m.Email, m.Membership.Role)));

        using var browser = await site.HttpBrowserAsync(PortalSite.AdminEmail);
        var html = await browser.GetStringAsync("/portal/tenants");
        Assert.DoesNotContain("<script>alert", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &quot;Co&quot;", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(PortalSite.OwnerEmail, "owner")]
    [InlineData(PortalSite.MemberEmail, "member")]
    public async Task Others_see_only_their_own_tenants_with_their_role(string email, string role)
    {
        await using var site = await PortalSite.StartAsync();
        await using var context = await chromium.NewContextAsync();
        var page = await site.SignInAsync(context, email, "/portal/tenants");

        await Expect(page.Locator("#tenants tbody tr")).ToHaveCountAsync(1);
        await Expect(page.Locator("#tenants")).ToContainTextAsync("Test team");
        await Expect(page.Locator("#tenants")).ToContainTextAsync(role);
        await Expect(page.Locator("main")).Not.ToContainTextAsync("Other team");
        await Expect(page.Locator("#create-tenant")).ToHaveCountAsync(0);
        await Axe.AssertNoSeriousViolationsAsync(page);

        await page.ClickAsync("#tenants a");
        await Expect(page.Locator("h1")).ToHaveTextAsync("Test team");
        await Expect(page.Locator("#members")).ToContainTextAsync(PortalSite.MemberEmail);
        await Expect(page.Locator("#tier-pro_plus")).ToContainTextAsync("bulk-create-records"); // the records pack's pro_plus tool
        await Expect(page.Locator("#tier-basic")).ToContainTextAsync("(this tenant)");
        await Axe.AssertNoSeriousViolationsAsync(page);
    }

    [Fact]
    public async Task Creating_a_tenant_or_changing_a_plan_is_refused_to_a_tenant_owner_and_changes_nothing()
    {
        await using var site = await PortalSite.StartAsync();
        using var owner = await site.HttpBrowserAsync(PortalSite.OwnerEmail);
        var token = PortalSite.Csrf(await owner.GetStringAsync("/portal/tenants/" + site.TenantId));

        using var newPage = await owner.GetAsync("/portal/tenants/new");
        using var planPage = await owner.GetAsync($"/portal/tenants/{site.TenantId}/plan");
        var create = await PortalSite.PostFormAsync(owner, "/portal/tenants/new", "create-tenant", new Dictionary<string, string> { ["Create.Name"] = "Mine", ["Create.Plan"] = "pro_plus" }, token);
        var plan = await PortalSite.PostFormAsync(owner, $"/portal/tenants/{site.TenantId}/plan", "plan", new Dictionary<string, string> { ["Plan.Key"] = "pro_plus" }, token);

        Assert.Equal(HttpStatusCode.Forbidden, newPage.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, planPage.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, create.Status);
        Assert.Equal(HttpStatusCode.Forbidden, plan.Status);
        var tenants = await site.Server.AdminAsync(a => a.ListTenantsAsync(CancellationToken.None));
        Assert.Equal(["Other team", "Test team"], tenants.Select(t => t.Name));
        Assert.Equal("basic", tenants.Single(t => t.Id == site.TenantId).PlanKey);
    }

    [Fact]
    public async Task An_administrator_changes_a_plan_and_bad_input_is_a_400_with_a_hint_that_changes_nothing()
    {
        await using var site = await PortalSite.StartAsync();
        await using var context = await chromium.NewContextAsync();
        var page = await site.SignInAsync(context, PortalSite.AdminEmail, $"/portal/tenants/{site.TenantId}/plan");
        await Axe.AssertNoSeriousViolationsAsync(page);
        await page.SelectOptionAsync("#plan", "pro_plus");
        await page.ClickAsync("#set-plan");
        await Expect(page.Locator("#notice")).ToContainTextAsync("The plan is now pro_plus.");
        await Expect(page.Locator("#tier-pro_plus")).ToContainTextAsync("(this tenant)");
        Assert.Equal("pro_plus", (await site.Server.AdminAsync(a => a.ListTenantsAsync(CancellationToken.None))).Single(t => t.Id == site.TenantId).PlanKey);

        using var admin = await site.HttpBrowserAsync(PortalSite.AdminEmail);
        var unknownPlan = await PortalSite.PostFormAsync(admin, $"/portal/tenants/{site.TenantId}/plan", "plan", new Dictionary<string, string> { ["Plan.Key"] = "gold" });
        var longName = await PortalSite.PostFormAsync(admin, "/portal/tenants/new", "create-tenant",
            new Dictionary<string, string> { ["Create.Name"] = new string('x', 5000), ["Create.Plan"] = "basic" });
        var badOwner = await PortalSite.PostFormAsync(admin, "/portal/tenants/new", "create-tenant",
            new Dictionary<string, string> { ["Create.Name"] = "Typo", ["Create.Plan"] = "basic", ["Create.Owner"] = "not-an-email" });

        Assert.Equal(HttpStatusCode.BadRequest, unknownPlan.Status);
        Assert.Contains("Unknown plan &#x27;gold&#x27;. Use one of: general_shared, free, basic, pro, pro_plus.", unknownPlan.Html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, longName.Status);
        Assert.Contains("A tenant name is 1 to 100 characters", longName.Html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, badOwner.Status);
        Assert.Contains("is not an email address", badOwner.Html, StringComparison.Ordinal);
        var tenants = await site.Server.AdminAsync(a => a.ListTenantsAsync(CancellationToken.None));
        Assert.Equal(2, tenants.Count);
        Assert.Equal("pro_plus", tenants.Single(t => t.Id == site.TenantId).PlanKey);
    }

    [Fact]
    public async Task An_owner_adds_a_member_changes_their_role_and_removes_them_in_the_browser()
    {
        await using var site = await PortalSite.StartAsync();
        await using var context = await chromium.NewContextAsync();
        var page = await site.SignInAsync(context, PortalSite.OwnerEmail, $"/portal/tenants/{site.TenantId}");
        page.Dialog += (_, dialog) => dialog.AcceptAsync();
        await page.ClickAsync("#tenant-members");
        await Expect(page.Locator("h1")).ToHaveTextAsync("Members of Test team");
        await Axe.AssertNoSeriousViolationsAsync(page);

        await page.FillAsync("#member-email", "Carol@Portico.test");
        await page.SelectOptionAsync("#member-role", "admin");
        await page.ClickAsync("#add-member");
        await Expect(page.Locator("#notice")).ToHaveTextAsync("carol@portico.test is a member with role admin.");
        Assert.Equal("admin", await RoleAsync(site, "carol@portico.test"));

        await page.ClickAsync("#members button[value='owner:carol@portico.test']");
        await Expect(page.Locator("#notice")).ToHaveTextAsync("carol@portico.test now has role owner.");
        Assert.Equal("owner", await RoleAsync(site, "carol@portico.test"));
        await Axe.AssertNoSeriousViolationsAsync(page);

        await page.ClickAsync("#members button[name='Remove.Email'][value='carol@portico.test']");
        await Expect(page.Locator("#notice")).ToHaveTextAsync("carol@portico.test is no longer a member.");
        Assert.Null(await RoleAsync(site, "carol@portico.test"));
    }

    [Fact]
    public async Task The_last_owner_can_be_neither_demoted_nor_removed_on_the_page()
    {
        await using var site = await PortalSite.StartAsync();
        using var owner = await site.HttpBrowserAsync(PortalSite.OwnerEmail);
        var path = $"/portal/tenants/{site.TenantId}/members";

        var demoted = await PortalSite.PostFormAsync(owner, path, "role", new Dictionary<string, string> { ["Role.Change"] = $"member:{PortalSite.OwnerEmail}" });
        var removed = await PortalSite.PostFormAsync(owner, path, "remove", new Dictionary<string, string> { ["Remove.Email"] = PortalSite.OwnerEmail });

        Assert.Equal(HttpStatusCode.BadRequest, demoted.Status);
        Assert.Contains($"&#x27;{PortalSite.OwnerEmail}&#x27; is the last owner of tenant", demoted.Html, StringComparison.Ordinal);
        Assert.Contains("Make another member an owner first", demoted.Html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, removed.Status);
        Assert.Contains("is the last owner of tenant", removed.Html, StringComparison.Ordinal);
        Assert.Equal("owner", await RoleAsync(site, PortalSite.OwnerEmail));

        // With a second owner the first may step down.
        await site.Server.AdminAsync(a => a.AddMemberAsync(site.TenantId, "second@portico.test", "owner", CancellationToken.None));
        var stepDown = await PortalSite.PostFormAsync(owner, path, "role", new Dictionary<string, string> { ["Role.Change"] = $"admin:{PortalSite.OwnerEmail}" });
        Assert.Equal(HttpStatusCode.OK, stepDown.Status);
        Assert.Equal("admin", await RoleAsync(site, PortalSite.OwnerEmail));
    }

    [Fact]
    public async Task A_tenant_admin_manages_members_but_neither_grants_nor_removes_the_owner_role()
    {
        await using var site = await PortalSite.StartAsync();
        await site.Server.AdminAsync(a => a.AddMemberAsync(site.TenantId, PortalSite.MemberEmail, "admin", CancellationToken.None));
        using var tenantAdmin = await site.HttpBrowserAsync(PortalSite.MemberEmail);
        var path = $"/portal/tenants/{site.TenantId}/members";

        var added = await PortalSite.PostFormAsync(tenantAdmin, path, "add", new Dictionary<string, string> { ["Add.Email"] = "dave@portico.test", ["Add.Role"] = "member" });
        var promote = await PortalSite.PostFormAsync(tenantAdmin, path, "role", new Dictionary<string, string> { ["Role.Change"] = "owner:dave@portico.test" });
        var removeOwner = await PortalSite.PostFormAsync(tenantAdmin, path, "remove", new Dictionary<string, string> { ["Remove.Email"] = PortalSite.OwnerEmail });
        var selfPromote = await PortalSite.PostFormAsync(tenantAdmin, path, "add", new Dictionary<string, string> { ["Add.Email"] = PortalSite.MemberEmail, ["Add.Role"] = "owner" });

        Assert.Equal(HttpStatusCode.OK, added.Status);
        Assert.Equal("member", await RoleAsync(site, "dave@portico.test"));
        foreach (var refused in new[] { promote, removeOwner, selfPromote })
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
            Assert.Contains("Only an owner grants, changes or removes the owner role.", refused.Html, StringComparison.Ordinal);
        }

        Assert.Equal("member", await RoleAsync(site, "dave@portico.test"));
        Assert.Equal("owner", await RoleAsync(site, PortalSite.OwnerEmail));
        Assert.Equal("admin", await RoleAsync(site, PortalSite.MemberEmail));
    }

    [Fact]
    public async Task A_member_and_another_tenants_owner_cannot_reach_or_post_the_members_page()
    {
        await using var site = await PortalSite.StartAsync();
        using var member = await site.HttpBrowserAsync(PortalSite.MemberEmail);
        using var otherOwner = await site.HttpBrowserAsync(PortalSite.OtherOwnerEmail);
        var path = $"/portal/tenants/{site.TenantId}/members";
        var add = new Dictionary<string, string> { ["Add.Email"] = "intruder@portico.test", ["Add.Role"] = "owner" };

        using var memberPage = await member.GetAsync(path);
        var memberPost = await PortalSite.PostFormAsync(member, path, "add", add, PortalSite.Csrf(await member.GetStringAsync("/portal")));
        // The owner of tenant B posts tenant A's id in the path, with a token of their own session.
        var crossTenant = await PortalSite.PostFormAsync(otherOwner, path, "add", add, PortalSite.Csrf(await otherOwner.GetStringAsync($"/portal/tenants/{site.OtherTenantId}/members")));
        // ...and on their own tenant's page, removes someone who belongs to A only.
        var foreignMember = await PortalSite.PostFormAsync(otherOwner, $"/portal/tenants/{site.OtherTenantId}/members", "remove",
            new Dictionary<string, string> { ["Remove.Email"] = PortalSite.MemberEmail });

        Assert.Equal(HttpStatusCode.Forbidden, memberPage.StatusCode);
        Assert.DoesNotContain("Add a member", await memberPage.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, memberPost.Status);
        Assert.Equal(HttpStatusCode.Forbidden, crossTenant.Status);
        Assert.Equal(HttpStatusCode.BadRequest, foreignMember.Status);
        Assert.Contains("is not a member of tenant", foreignMember.Html, StringComparison.Ordinal);
        Assert.Null(await RoleAsync(site, "intruder@portico.test"));
        Assert.Equal("member", await RoleAsync(site, PortalSite.MemberEmail));
    }

    [Fact]
    public async Task The_cli_gets_the_same_last_owner_guard()
    {
        using var cli = new CliSandbox();
        var tenantId = await cli.CreateTenantAsync();
        await cli.RunAsync("members", "add", "--tenant", tenantId, "--user", "alice@example.com", "--role", "owner");

        var removed = await cli.RunAsync("members", "remove", "--tenant", tenantId, "--user", "alice@example.com");
        var demoted = await cli.RunAsync("members", "add", "--tenant", tenantId, "--user", "alice@example.com", "--role", "member");
        var list = await cli.RunAsync("tenants", "list", "--json");

        Assert.Equal(2, removed.ExitCode);
        Assert.Contains("error: 'alice@example.com' is the last owner of tenant", removed.Error, StringComparison.Ordinal);
        Assert.Contains("hint: Make another member an owner first", removed.Error, StringComparison.Ordinal);
        Assert.Equal(2, demoted.ExitCode);
        Assert.Contains("so their role cannot change to member", demoted.Error, StringComparison.Ordinal);
        Assert.Equal("owner", (string?)list.Json[0]!["members"]![0]!["role"]);

        await cli.RunAsync("members", "add", "--tenant", tenantId, "--user", "bob@example.com", "--role", "owner");
        Assert.Equal(0, (await cli.RunAsync("members", "remove", "--tenant", tenantId, "--user", "alice@example.com")).ExitCode);
    }

    private static async Task<string?> RoleAsync(PortalSite site, string email)
        => (await site.Server.AdminAsync(a => a.ListMembersAsync(site.TenantId, CancellationToken.None))).Where(m => m.Email == email).Select(m => m.Membership.Role).FirstOrDefault();
}
