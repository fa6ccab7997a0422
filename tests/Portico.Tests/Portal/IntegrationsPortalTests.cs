using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Portico.Integrations;
using Portico.Tests.Gateway;
using Portico.Tests.Integrations;
using Portico.Tests.TestSupport;
using static Microsoft.Playwright.Assertions;

namespace Portico.Tests.Portal;

/// <summary>
/// The integrations page: the link of an INTEGRATION_NOT_CONFIGURED answer opens it, the tenant's owner pastes the secret
/// and the next call works; clearing stops it again. Nobody outside the tenant's managers can read or change it.
/// </summary>
public sealed class IntegrationsPortalTests(HeadlessChromium chromium) : IClassFixture<HeadlessChromium>
{
    private const string Secret = "tp_live_portal_7c1d";

    [Fact]
    public async Task The_link_in_the_refusal_opens_the_page_where_the_owner_pastes_the_secret_and_the_next_call_works()
    {
        await using var service = await FakeHttpHost.StartAsync(context => context.Response.WriteAsync("ok"));
        await using var site = await PortalSite.StartAsync(services: IntegrationTestServices.Pack(service.Url("/charges")));
        using var caller = CredentialUser.Owner(site.Server);
        var refused = await caller.CallWithAsync("charge_test_payment", new JsonObject { ["amount"] = 5 });
        Assert.Equal("INTEGRATION_NOT_CONFIGURED", CredentialUser.ErrorCode(refused));
        var link = new Uri((string)refused["structuredContent"]!["error"]!["details"]!["link"]!);

        await using var context = await chromium.NewContextAsync();
        var page = await site.SignInAsync(context, PortalSite.OwnerEmail, link.AbsolutePath);
        await Expect(page.Locator("h1")).ToHaveTextAsync("Integrations of Test team");
        await Expect(page.Locator($"#integration-{IntegrationTestPack.Payments}")).ToContainTextAsync("not configured");
        await Expect(page.Locator($"#integration-{IntegrationTestPack.Payments}")).ToContainTextAsync("Test Payments dashboard");
        await Axe.AssertNoSeriousViolationsAsync(page);

        await page.SelectOptionAsync("#set-integration", IntegrationTestPack.Payments);
        await page.FillAsync("#set-secret", Secret);
        await page.ClickAsync("#save");
        await Expect(page.Locator("#notice")).ToContainTextAsync("Saved the Test Payments secret");
        await Expect(page.Locator($"#integration-{IntegrationTestPack.Payments}")).ToContainTextAsync("configured since");
        Assert.DoesNotContain(Secret, await page.ContentAsync(), StringComparison.Ordinal);
        Assert.Equal(Secret, await SecretAsync(site, site.TenantId));

        Assert.Equal("charged: 200", CredentialUser.Text(await caller.CallWithAsync("charge_test_payment", new JsonObject { ["amount"] = 5 })));
        Assert.Contains(service.Requests, r => r.Headers.TryGetValue("Authorization", out var value) && value == $"Bearer {Secret}");

        page.Dialog += (_, dialog) => dialog.AcceptAsync();
        await page.ClickAsync($"#clear-{IntegrationTestPack.Payments}");
        await Expect(page.Locator("#notice")).ToContainTextAsync("Cleared");
        Assert.Null(await SecretAsync(site, site.TenantId));
        Assert.Equal("INTEGRATION_NOT_CONFIGURED", CredentialUser.ErrorCode(await caller.CallWithAsync("charge_test_payment", new JsonObject { ["amount"] = 5 })));

        await using var adminContext = await chromium.NewContextAsync();
        var admin = await site.SignInAsync(adminContext, PortalSite.AdminEmail, link.AbsolutePath);
        await Expect(admin.Locator("#integrations")).ToContainTextAsync("Test Mail");
        await Axe.AssertNoSeriousViolationsAsync(admin);
    }

    [Fact]
    public async Task Another_tenants_owner_and_a_member_are_refused_and_bad_secrets_are_refused_with_the_stores_message()
    {
        await using var service = await FakeHttpHost.StartAsync(context => context.Response.WriteAsync("ok"));
        await using var site = await PortalSite.StartAsync(services: IntegrationTestServices.Pack(service.Url("/charges")));
        var path = $"/portal/tenants/{site.TenantId}/integrations";
        using var owner = await site.HttpBrowserAsync(PortalSite.OwnerEmail);
        var saved = await PortalSite.PostFormAsync(owner, path, "set",
            new Dictionary<string, string> { ["Set.Integration"] = IntegrationTestPack.Payments, ["Set.Secret"] = Secret });
        Assert.Equal(HttpStatusCode.OK, saved.Status);

        await using var context = await chromium.NewContextAsync();
        var page = await site.SignInAsync(context, PortalSite.MemberEmail);
        var refusal = await page.GotoAsync(site.Url(path).ToString());
        Assert.Equal(403, refusal!.Status);
        await Expect(page.Locator("main")).Not.ToContainTextAsync("Test Payments");
        await Axe.AssertNoSeriousViolationsAsync(page);

        foreach (var email in new[] { PortalSite.OtherOwnerEmail, PortalSite.MemberEmail })
        {
            using var attacker = await site.HttpBrowserAsync(email);
            using var own = await attacker.GetAsync("/portal");
            var csrf = PortalSite.Csrf(await own.Content.ReadAsStringAsync());
            var set = await PortalSite.PostFormAsync(attacker, path, "set",
                new Dictionary<string, string> { ["Set.Integration"] = IntegrationTestPack.Payments, ["Set.Secret"] = "attacker" }, csrf);
            var clear = await PortalSite.PostFormAsync(attacker, path, "clear", new Dictionary<string, string> { ["Clear.Integration"] = IntegrationTestPack.Payments }, csrf);
            Assert.Equal(HttpStatusCode.Forbidden, set.Status);
            Assert.Equal(HttpStatusCode.Forbidden, clear.Status);
        }

        // The other tenant's owner has a page of their own tenant, whose token does not work on this one.
        using var otherOwner = await site.HttpBrowserAsync(PortalSite.OtherOwnerEmail);
        using var theirPage = await otherOwner.GetAsync($"/portal/tenants/{site.OtherTenantId}/integrations");
        Assert.Equal(HttpStatusCode.OK, theirPage.StatusCode);
        var planted = await PortalSite.PostFormAsync(owner, path, "clear", new Dictionary<string, string> { ["Clear.Integration"] = IntegrationTestPack.Payments },
            PortalSite.Csrf(await theirPage.Content.ReadAsStringAsync()));
        Assert.Equal(HttpStatusCode.Forbidden, planted.Status);

        foreach (var (secret, message) in new[]
        {
            ("tp_live\r\nX-Injected: 1", "line break"),
            (new string('k', 8193), "longer than 8192"),
        })
        {
            var bad = await PortalSite.PostFormAsync(owner, path, "set", new Dictionary<string, string> { ["Set.Integration"] = IntegrationTestPack.Payments, ["Set.Secret"] = secret });
            Assert.Equal(HttpStatusCode.BadRequest, bad.Status);
            Assert.Contains(message, WebUtility.HtmlDecode(bad.Html), StringComparison.Ordinal);
        }

        var unknown = await PortalSite.PostFormAsync(owner, path, "set", new Dictionary<string, string> { ["Set.Integration"] = "<script>x</script>", ["Set.Secret"] = "x" });
        Assert.Equal(HttpStatusCode.BadRequest, unknown.Status);
        Assert.Contains("No integration named", WebUtility.HtmlDecode(unknown.Html), StringComparison.Ordinal);
        Assert.DoesNotContain("<script>x</script>", unknown.Html, StringComparison.Ordinal);

        Assert.Equal(Secret, await SecretAsync(site, site.TenantId));
        Assert.Null(await SecretAsync(site, site.OtherTenantId));
    }

    private static Task<string?> SecretAsync(PortalSite site, string tenantId)
        => UpstreamPortal.WithAsync<TenantIntegrationStore, string?>(site.Server, s => s.GetSecretAsync(tenantId, IntegrationTestPack.Payments, CancellationToken.None));
}
