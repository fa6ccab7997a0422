using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Portico.Tests.TestSupport;
using static Microsoft.Playwright.Assertions;

namespace Portico.Tests.Portal;

/// <summary>
/// The audit search, a call's detail and the export: a request id as a client got it (header, or pasted inside an error
/// message) finds the call; filters by session, tool, error code, user, tenant and time; keyset pages return every call
/// once; and nobody finds, opens or exports a call outside their view (a member their own, an owner their tenant's).
/// </summary>
public sealed partial class AuditPagesTests(HeadlessChromium chromium) : IClassFixture<HeadlessChromium>
{
    [Fact]
    public async Task An_owner_pastes_a_request_id_or_the_error_text_and_finds_the_call_whose_detail_has_its_secrets_redacted()
    {
        await using var site = await PortalSite.StartAsync();
        using var owner = await ObserveCalls.AsAsync(site, PortalSite.OwnerEmail);
        var refused = await owner.CallAsync("ping", new JsonObject { ["message"] = "hi", ["api_token"] = "s3cret-value" });
        var requestId = refused.RequestId!;
        var errorText = (string)refused.Final["result"]!["content"]![0]!["text"]!;
        Assert.Contains($"(request id: {requestId})", errorText, StringComparison.Ordinal);

        await using var context = await chromium.NewContextAsync();
        var page = await site.SignInAsync(context, PortalSite.OwnerEmail, "/portal/audit");
        await Axe.AssertNoSeriousViolationsAsync(page);
        await page.FillAsync("#q", $"  {requestId}\n");
        await page.ClickAsync("#search");
        await Expect(page.Locator("#audit-results tbody tr")).ToHaveCountAsync(1);
        await Expect(page.Locator("#audit-results")).ToContainTextAsync("VALIDATION_FAILED");
        await Axe.AssertNoSeriousViolationsAsync(page);

        await page.FillAsync("#q", errorText);
        await page.ClickAsync("#search");
        await Expect(page.Locator("#audit-results tbody tr")).ToHaveCountAsync(1);
        await page.ClickAsync(".audit-detail");
        await Expect(page.Locator("#call-request-id")).ToHaveTextAsync(requestId);
        await Expect(page.Locator("#call-trace-id")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^[0-9a-f]{32}$"));
        await Expect(page.Locator("#call-outcome")).ToHaveTextAsync("error (VALIDATION_FAILED)");
        await Expect(page.Locator("#call-arguments")).ToContainTextAsync("[redacted]");
        await Expect(page.Locator("#call-arguments")).Not.ToContainTextAsync("s3cret-value");
        await Expect(page.Locator("#call-user")).ToHaveTextAsync(PortalSite.OwnerEmail);
        await Axe.AssertNoSeriousViolationsAsync(page);

        foreach (var email in new[] { PortalSite.AdminEmail, PortalSite.MemberEmail })
        {
            await using var other = await chromium.NewContextAsync();
            var search = await site.SignInAsync(other, email, "/portal/audit?q=" + Uri.EscapeDataString(requestId));
            // The administrator finds it; the member (not its caller) finds nothing — the same answer as no such call.
            await Expect(email == PortalSite.AdminEmail ? search.Locator("#audit-results tbody tr") : search.Locator("#no-results")).ToHaveCountAsync(1);
            await Axe.AssertNoSeriousViolationsAsync(search);
        }
    }

    [Fact]
    public async Task The_filters_find_calls_by_session_tool_code_user_tenant_and_time_and_stay_inside_the_viewers_scope()
    {
        await using var site = await PortalSite.StartAsync();
        using var owner = await ObserveCalls.AsAsync(site, PortalSite.OwnerEmail);
        using var member = await ObserveCalls.AsAsync(site, PortalSite.MemberEmail);
        using var other = await ObserveCalls.AsAsync(site, PortalSite.OtherOwnerEmail);
        var session = await owner.Mcp.InitializeAsync();
        var first = await owner.CallAsync("ping", sessionId: session);
        site.Server.Clock.Advance(TimeSpan.FromMinutes(10));
        var second = await owner.CallAsync("get-session-context", sessionId: session);
        var refused = await owner.CallAsync("ping", new JsonObject { ["nope"] = true });
        var members = await member.CallAsync("ping");
        var others = await other.CallAsync("ping");
        using var ownerBrowser = await site.HttpBrowserAsync(PortalSite.OwnerEmail);
        using var memberBrowser = await site.HttpBrowserAsync(PortalSite.MemberEmail);
        using var otherBrowser = await site.HttpBrowserAsync(PortalSite.OtherOwnerEmail);

        Assert.Equal([second.RequestId!, first.RequestId!], await FindAsync(ownerBrowser, $"session={session}"));
        Assert.Equal([second.RequestId!], await FindAsync(ownerBrowser, "tool=get-session-context"));
        Assert.Equal([refused.RequestId!], await FindAsync(ownerBrowser, "code=VALIDATION_FAILED"));
        Assert.Equal([first.RequestId!], await FindAsync(ownerBrowser, "from=2026-01-01T08:59&to=2026-01-01T09:05"));
        Assert.Equal([members.RequestId!], await FindAsync(ownerBrowser, "user=" + Uri.EscapeDataString(PortalSite.MemberEmail)));
        // The owner sees their tenant (the member's call included) and never the other tenant's call, even asked by its id or tenant.
        Assert.Equal(4, (await FindAsync(ownerBrowser, "")).Count);
        Assert.Empty(await FindAsync(ownerBrowser, "q=" + others.RequestId));
        Assert.Empty(await FindAsync(ownerBrowser, "tenant=" + site.OtherTenantId));
        Assert.Equal([others.RequestId!], await FindAsync(otherBrowser, ""));

        // A member sees only their own calls: the owner's request id, session and user find nothing.
        Assert.Equal([members.RequestId!], await FindAsync(memberBrowser, ""));
        Assert.Empty(await FindAsync(memberBrowser, "q=" + first.RequestId));
        Assert.Empty(await FindAsync(memberBrowser, $"session={session}"));
        Assert.Empty(await FindAsync(memberBrowser, "user=" + Uri.EscapeDataString(PortalSite.OwnerEmail)));

        // A call's detail: its caller and their tenant's manager open it; anyone else gets the same not-found as no such call.
        var ownersRecord = await DetailIdAsync(ownerBrowser, first.RequestId!);
        using (var mine = await ownerBrowser.GetAsync($"/portal/audit/{ownersRecord}"))
        {
            Assert.Equal(HttpStatusCode.OK, mine.StatusCode);
        }

        foreach (var (browser, id) in new[] { (memberBrowser, ownersRecord), (otherBrowser, ownersRecord), (ownerBrowser, 999_999L) })
        {
            using var refusedDetail = await browser.GetAsync($"/portal/audit/{id}");
            Assert.Equal(HttpStatusCode.NotFound, refusedDetail.StatusCode);
            Assert.DoesNotContain(first.RequestId!, await refusedDetail.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // The export answers within the same scope.
        var memberExport = await memberBrowser.GetStringAsync("/portal/audit/export?format=json");
        var exported = JsonNode.Parse(memberExport)!["calls"]!.AsArray();
        Assert.Equal([members.RequestId!], exported.Select(c => (string)c!["requestId"]!).ToArray());
        Assert.Matches("^[0-9a-f]{32}$", (string?)exported.Single()!["traceId"]);
        var strangerCsv = await otherBrowser.GetStringAsync("/portal/audit/export?format=csv&q=" + first.RequestId);
        Assert.DoesNotContain(first.RequestId!, strangerCsv, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Paging_by_time_and_id_returns_every_call_once_even_when_calls_share_a_millisecond()
    {
        await using var site = await PortalSite.StartAsync();
        var start = site.Server.Clock.GetUtcNow();
        // 123 calls, three to each millisecond: a page boundary falls between calls of one instant.
        await AuditRows.AddAsync(site.Server, [.. Enumerable.Range(0, 123).Select(i => new AuditRows.RecordSpec
        {
            RequestId = $"paged-{i:000}",
            At = start.AddMilliseconds(i / 3),
            TenantId = site.TenantId,
        })]);
        using var owner = await site.HttpBrowserAsync(PortalSite.OwnerEmail);

        var seen = new List<string>();
        var path = "/portal/audit?tool=ping";
        var pages = 0;
        while (path is not null)
        {
            var html = await owner.GetStringAsync(path);
            seen.AddRange(RequestIds(html));
            path = NextPage().Match(html) is { Success: true } next ? WebUtility.HtmlDecode(next.Groups[1].Value) : null;
            pages++;
        }

        Assert.Equal(3, pages);
        Assert.Equal(123, seen.Count);
        Assert.Equal(Enumerable.Range(0, 123).Select(i => $"paged-{i:000}").Order(), seen.Order());
        Assert.Equal("paged-122", seen[0]);
    }

    [Fact]
    public async Task The_export_is_an_attachment_in_csv_or_json_and_a_cell_that_would_be_a_formula_is_quoted_as_text()
    {
        await using var site = await PortalSite.StartAsync();
        var at = site.Server.Clock.GetUtcNow();
        await AuditRows.AddAsync(site.Server,
            new AuditRows.RecordSpec { RequestId = "plain-1", At = at, Arguments = """{"message":"say \"hi\", twice"}""" },
            new AuditRows.RecordSpec { RequestId = "evil-1", At = at.AddSeconds(1), Tool = "=HYPERLINK(\"http://evil.example\")", ErrorCode = "+1", Outcome = "error", SessionId = "@SUM(A1)" },
            new AuditRows.RecordSpec { RequestId = "-2+3", At = at.AddSeconds(2), Tool = "\tcmd" });
        using var admin = await site.HttpBrowserAsync(PortalSite.AdminEmail);

        using var csv = await admin.GetAsync("/portal/audit/export?format=csv");
        Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
        Assert.Equal("text/csv", csv.Content.Headers.ContentType!.MediaType);
        Assert.Equal("attachment", csv.Content.Headers.ContentDisposition?.DispositionType);
        Assert.EndsWith(".csv", csv.Content.Headers.ContentDisposition!.FileName!.Trim('"'), StringComparison.Ordinal);
        var lines = (await csv.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("id,at,request_id,session_id", lines[0], StringComparison.Ordinal);
        Assert.Equal(4, lines.Length);
        Assert.Contains("\"'-2+3\"", lines[1], StringComparison.Ordinal);
        Assert.Contains("\"'\tcmd\"", lines[1], StringComparison.Ordinal);
        Assert.Contains("\"'=HYPERLINK(\"\"http://evil.example\"\")\"", lines[2], StringComparison.Ordinal);
        Assert.Contains("\"'@SUM(A1)\"", lines[2], StringComparison.Ordinal);
        Assert.Contains("\"'+1\"", lines[2], StringComparison.Ordinal);
        Assert.Contains("\"{\"\"message\"\":\"\"say \\\"\"hi\\\"\", twice\"\"}\"", lines[3], StringComparison.Ordinal);
        foreach (var line in lines.Skip(1))
        {
            // No cell starts a formula: every text cell is quoted, and one that starts with a formula character has the apostrophe.
            Assert.DoesNotMatch(",\"?[=+\\-@\t]", line);
        }

        using var json = await admin.GetAsync("/portal/audit/export?format=json&tool=" + Uri.EscapeDataString("=HYPERLINK(\"http://evil.example\")"));
        Assert.Equal("application/json", json.Content.Headers.ContentType!.MediaType);
        Assert.Equal("attachment", json.Content.Headers.ContentDisposition?.DispositionType);
        var body = JsonNode.Parse(await json.Content.ReadAsStringAsync())!;
        Assert.Equal(10_000, (int)body["cap"]!);
        Assert.False((bool)body["truncated"]!);
        var call = Assert.Single(body["calls"]!.AsArray())!;
        Assert.Equal(("evil-1", "error", "+1"), ((string?)call["requestId"], (string?)call["outcome"], (string?)call["errorCode"]));

        using var badFormat = await admin.GetAsync("/portal/audit/export?format=xlsx");
        Assert.Equal(HttpStatusCode.BadRequest, badFormat.StatusCode);
        Assert.Contains("not an export format", await badFormat.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_export_stops_at_its_cap_and_says_so()
    {
        await using var site = await PortalSite.StartAsync();
        var at = site.Server.Clock.GetUtcNow();
        await AuditRows.AddAsync(site.Server, [.. Enumerable.Range(0, 10_001).Select(i => new AuditRows.RecordSpec { RequestId = $"bulk-{i}", At = at.AddMilliseconds(i) })]);
        using var admin = await site.HttpBrowserAsync(PortalSite.AdminEmail);

        var csv = (await admin.GetStringAsync("/portal/audit/export?format=csv")).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var json = JsonNode.Parse(await admin.GetStringAsync("/portal/audit/export?format=json"))!;

        Assert.Equal(1 + 10_000 + 1, csv.Length);
        Assert.StartsWith("# cut at 10000 calls", csv[^1], StringComparison.Ordinal);
        Assert.Contains("\"bulk-10000\"", csv[1], StringComparison.Ordinal);
        Assert.True((bool)json["truncated"]!);
        Assert.Equal(10_000, json["calls"]!.AsArray().Count);
    }

    [Theory]
    [InlineData("from=yesterday", "is not a time")]
    [InlineData("from=2026-01-02T00:00&to=2026-01-01T00:00", "ends before it starts")]
    [InlineData("q=%28%29", "holds no request id")]
    [InlineData("after=not-a-cursor", "is not a page of this search")]
    [InlineData("after=99999999999999999999-1", "is not a page of this search")]
    public async Task Bad_search_input_answers_400_with_what_to_do(string query, string message)
    {
        await using var site = await PortalSite.StartAsync();
        using var owner = await site.HttpBrowserAsync(PortalSite.OwnerEmail);

        using var page = await owner.GetAsync("/portal/audit?" + query);
        using var export = await owner.GetAsync("/portal/audit/export?format=csv&" + query);

        Assert.Equal(HttpStatusCode.BadRequest, page.StatusCode);
        Assert.Contains(message, WebUtility.HtmlDecode(await page.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        // The export has no pages: it ignores a cursor and refuses the rest alike.
        Assert.Equal(query.StartsWith("after=", StringComparison.Ordinal) ? HttpStatusCode.OK : HttpStatusCode.BadRequest, export.StatusCode);
    }

    [Fact]
    public async Task An_oversized_filter_is_refused_and_a_hostile_value_is_shown_encoded()
    {
        await using var site = await PortalSite.StartAsync();
        using var owner = await site.HttpBrowserAsync(PortalSite.OwnerEmail);

        using var oversized = await owner.GetAsync("/portal/audit?session=" + new string('s', 1000));
        using var hostile = await owner.GetAsync("/portal/audit?tool=" + Uri.EscapeDataString("\"><script>alert(1)</script>"));

        Assert.Equal(HttpStatusCode.BadRequest, oversized.StatusCode);
        Assert.Contains("longer than 200 characters", await oversized.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var html = await hostile.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, hostile.StatusCode);
        Assert.DoesNotContain("<script>alert(1)</script>", html, StringComparison.Ordinal);
    }

    private static async Task<List<string>> FindAsync(HttpClient browser, string query)
    {
        using var response = await browser.GetAsync("/portal/audit?" + query);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return RequestIds(await response.Content.ReadAsStringAsync());
    }

    private static async Task<long> DetailIdAsync(HttpClient browser, string requestId)
    {
        var html = await browser.GetStringAsync("/portal/audit?q=" + requestId);
        return long.Parse(DetailLink().Match(html).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    private static List<string> RequestIds(string html) => [.. ResultCell().Matches(html).Select(m => WebUtility.HtmlDecode(m.Groups[1].Value))];

    [GeneratedRegex("class=\"audit-detail\"><code>([^<]+)</code>")]
    private static partial Regex ResultCell();

    [GeneratedRegex("href=\"/portal/audit/(\\d+)\" class=\"audit-detail\"")]
    private static partial Regex DetailLink();

    [GeneratedRegex("<a href=\"([^\"]+)\" id=\"next-page\"")]
    private static partial Regex NextPage();
}
