using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Portico.Mcp;
using Portico.Policy.Approvals;
using Portico.Tests.Policy.Approvals;
using Portico.Tests.Tasks;
using Portico.Tests.TestSupport;
using static Microsoft.Playwright.Assertions;

namespace Portico.Tests.Portal;

/// <summary>
/// The Approvals page: an owner sees a waiting call with its arguments verbatim (hostile text stays text) and approves or
/// denies it in Chromium, and the MCP client's task ends with the tool's result or APPROVAL_DENIED. Exploits as forms: a
/// member, another tenant's owner, a form without its CSRF token, a second approval, an expired request.
/// </summary>
public sealed class ApprovalsPortalTests(HeadlessChromium chromium) : IClassFixture<HeadlessChromium>
{
    private const string Hostile = "</pre><img src=x onerror=window.pwned=1><script>window.pwned=2</script>&amp;";

    [Fact]
    public async Task An_owner_approves_in_the_browser_and_the_clients_task_completes_with_the_tools_result_and_a_denied_one_ends_denied()
    {
        await using var site = await StartAsync();
        var calls = new TaskCalls(site.Server.CreateClient());
        var arguments = new JsonObject { ["to"] = "acct-9", ["amount"] = 12, ["memo"] = Hostile };
        var taskId = await calls.StartAsync(ApprovalTestPack.Gated, arguments.DeepClone().AsObject());
        var approvalId = await ApprovalFlowTests.PendingApprovalAsync(calls, taskId);
        var deniedTask = await calls.StartAsync(ApprovalTestPack.Gated, new JsonObject { ["to"] = "acct-10" });
        var deniedId = await ApprovalFlowTests.PendingApprovalAsync(calls, deniedTask);

        await using var context = await chromium.NewContextAsync();
        var page = await site.SignInAsync(context, PortalSite.OwnerEmail, "/portal/approvals");
        var row = page.Locator($"#approval-{approvalId}");
        await Expect(row).ToContainTextAsync(ApprovalTestPack.Gated);
        await Expect(row).ToContainTextAsync(PortalSite.OwnerEmail);
        await Expect(page.Locator($"#arguments-{approvalId}")).ToContainTextAsync(Hostile);
        Assert.Equal(0, await row.Locator("img").CountAsync());
        Assert.Equal(0, await row.Locator("script").CountAsync());
        Assert.True(await page.EvaluateAsync<bool>("() => window.pwned === undefined"));
        await Axe.AssertNoSeriousViolationsAsync(page);

        await page.ClickAsync($"#approve-{approvalId}");
        await Expect(page.Locator("#notice")).ToContainTextAsync($"Approved {approvalId}");
        var completed = await calls.UntilAsync(taskId, "completed");
        Assert.Equal("transfer_funds ran for acct-9", (string?)completed["result"]!["content"]![0]!["text"]);
        var run = Assert.Single(ApprovalTestPack.Of(site.Server.Services).Runs);
        Assert.True(JsonNode.DeepEquals(arguments, JsonNode.Parse(run.Arguments)));

        await page.ClickAsync($"#deny-{deniedId}");
        await Expect(page.Locator("#notice")).ToContainTextAsync($"Denied {deniedId}");
        var denied = await calls.UntilAsync(deniedTask, "completed");
        Assert.Equal(ApprovalGate.Denied, (string?)denied["result"]!["structuredContent"]!["error"]!["code"]);
        Assert.Single(ApprovalTestPack.Of(site.Server.Services).Runs);
        await Expect(page.Locator($"#decided-{deniedId}")).ToContainTextAsync("denied");
        Assert.True(await page.EvaluateAsync<bool>("() => window.pwned === undefined"));
    }

    [Fact]
    public async Task A_member_another_tenants_owner_a_forged_form_a_second_approval_and_an_expired_request_are_refused()
    {
        await using var site = await StartAsync();
        var calls = new TaskCalls(site.Server.CreateClient());
        var taskId = await calls.StartAsync(ApprovalTestPack.Gated, new JsonObject { ["to"] = "acct-1" });
        var approvalId = await ApprovalFlowTests.PendingApprovalAsync(calls, taskId);
        var approve = new Dictionary<string, string> { ["Decide.Choice"] = $"approve:{approvalId}" };

        foreach (var email in new[] { PortalSite.MemberEmail, PortalSite.OtherOwnerEmail })
        {
            using var attacker = await site.HttpBrowserAsync(email);
            using var own = await attacker.GetAsync("/portal/approvals");
            var html = await own.Content.ReadAsStringAsync();
            Assert.DoesNotContain(approvalId, html, StringComparison.Ordinal);
            var refused = await PortalSite.PostFormAsync(attacker, "/portal/approvals", "decide", approve);
            Assert.Equal(HttpStatusCode.NotFound, refused.Status);
        }

        using var owner = await site.HttpBrowserAsync(PortalSite.OwnerEmail);
        // A form another site makes the owner's browser send: it has the cookie, not the page's token.
        using var forged = await owner.PostAsync("/portal/approvals", new FormUrlEncodedContent(new Dictionary<string, string>(approve) { ["_handler"] = "decide" }),
            TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
        Assert.Equal("working", (string?)(await calls.GetAsync(taskId))["status"]);
        Assert.Empty(ApprovalTestPack.Of(site.Server.Services).Runs);

        var approved = await PortalSite.PostFormAsync(owner, "/portal/approvals", "decide", approve);
        Assert.Equal(HttpStatusCode.OK, approved.Status);
        await calls.UntilAsync(taskId, "completed");
        var twice = await PortalSite.PostFormAsync(owner, "/portal/approvals", "decide", approve);
        Assert.Equal(HttpStatusCode.Conflict, twice.Status);
        Assert.Contains("decided already", WebUtility.HtmlDecode(twice.Html), StringComparison.Ordinal);
        Assert.Single(ApprovalTestPack.Of(site.Server.Services).Runs);

        var lateTask = await calls.StartAsync(ApprovalTestPack.Gated, new JsonObject { ["to"] = "acct-2" });
        var lateId = await ApprovalFlowTests.PendingApprovalAsync(calls, lateTask);
        site.Server.Clock.Advance(TimeSpan.FromHours(25));
        var expired = await calls.UntilAsync(lateTask, "completed");
        Assert.Equal(ApprovalGate.Expired, (string?)expired["result"]!["structuredContent"]!["error"]!["code"]);
        // The browser session ended with the clock's jump too; the owner signs in again.
        using var ownerNow = await site.HttpBrowserAsync(PortalSite.OwnerEmail);
        var late = await PortalSite.PostFormAsync(ownerNow, "/portal/approvals", "decide", new Dictionary<string, string> { ["Decide.Choice"] = $"approve:{lateId}" });
        Assert.Equal(HttpStatusCode.Conflict, late.Status);
        Assert.Single(ApprovalTestPack.Of(site.Server.Services).Runs);
    }

    [Fact]
    public async Task An_owner_adds_and_removes_a_tenant_rule_in_the_portal_and_a_member_cannot()
    {
        await using var site = await StartAsync();
        using var owner = await site.HttpBrowserAsync(PortalSite.OwnerEmail);
        var added = await PortalSite.PostFormAsync(owner, "/portal/approvals", "rule",
            new Dictionary<string, string> { ["Rule.TenantId"] = site.TenantId, ["Rule.Tool"] = ApprovalTestPack.Plain });
        Assert.Equal(HttpStatusCode.OK, added.Status);
        Assert.Contains($"id=\"rule-{site.TenantId}-{ApprovalTestPack.Plain}\"", added.Html, StringComparison.Ordinal);
        var unknown = await PortalSite.PostFormAsync(owner, "/portal/approvals", "rule",
            new Dictionary<string, string> { ["Rule.TenantId"] = site.TenantId, ["Rule.Tool"] = "<script>x</script>" });
        Assert.Equal(HttpStatusCode.BadRequest, unknown.Status);
        Assert.DoesNotContain("<script>x</script>", unknown.Html, StringComparison.Ordinal);

        var calls = new TaskCalls(site.Server.CreateClient());
        var held = await calls.CallAsync(ApprovalTestPack.Plain, new JsonObject { ["to"] = "team" }, declareTasks: false);
        Assert.Equal(ApprovalGate.Pending, (string?)held["structuredContent"]!["error"]!["code"]);

        using var member = await site.HttpBrowserAsync(PortalSite.MemberEmail);
        var byMember = await PortalSite.PostFormAsync(member, "/portal/approvals", "unrule",
            new Dictionary<string, string> { ["Unrule.Choice"] = $"{site.TenantId}|{ApprovalTestPack.Plain}" });
        Assert.Equal(HttpStatusCode.NotFound, byMember.Status);

        var removed = await PortalSite.PostFormAsync(owner, "/portal/approvals", "unrule",
            new Dictionary<string, string> { ["Unrule.Choice"] = $"{site.TenantId}|{ApprovalTestPack.Plain}" });
        Assert.Equal(HttpStatusCode.OK, removed.Status);
        var ran = await calls.CallAsync(ApprovalTestPack.Plain, new JsonObject { ["to"] = "team" }, declareTasks: false);
        Assert.Equal("send_note ran for team", (string?)ran["content"]![0]!["text"]);
    }

    private static Task<PortalSite> StartAsync() => PortalSite.StartAsync(services: s => s.AddMcpPack<ApprovalTestPack>());
}
