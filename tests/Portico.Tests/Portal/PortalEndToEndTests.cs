using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Portico.Identity;
using Portico.Tests.TestSupport;
using static Microsoft.Playwright.Assertions;

namespace Portico.Tests.Portal;

/// <summary>
/// The portal's promise end to end, as a new member lives it: sign in, create an API key, paste the configuration the
/// page shows into the MCP TypeScript SDK client (Node, tests/e2e/portal/client.mjs), call a tool, and find that call
/// in the audit search by the request id the client received.
/// </summary>
public sealed class PortalEndToEndTests(HeadlessChromium chromium) : IClassFixture<HeadlessChromium>
{
    private const string NewMember = "newcomer@portico.test";

    [Fact]
    public async Task A_new_member_creates_a_key_pastes_its_configuration_into_the_typescript_client_and_finds_the_call_by_its_request_id()
    {
        await using var site = await PortalSite.StartAsync();
        await site.Server.AdminAsync(admin => admin.AddMemberAsync(site.TenantId, NewMember, "member", CancellationToken.None));
        await using (var scope = site.Server.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<UserAccounts>().AddAsync(NewMember, PortalSite.Password, null, CancellationToken.None);
        }

        await using var context = await chromium.NewContextAsync();
        var page = await site.SignInAsync(context, NewMember, "/portal/keys");
        await page.FillAsync("#key-name", "laptop");
        await page.ClickAsync("#create-key");
        var configuration = await page.Locator("#client-config").InnerTextAsync();
        await Axe.AssertNoSeriousViolationsAsync(page);

        var (requestId, result) = await RunClientAsync(configuration, "ping");
        Assert.False(result["isError"]!.GetValue<bool>(), result.ToJsonString());
        Assert.Matches("^[0-9a-f]{24}$", requestId);

        // Pasted as an error message shows it, with the words around it.
        await page.GotoAsync(site.Url("/portal/audit").ToString());
        await page.FillAsync("#q", $"(request id: {requestId})");
        await page.ClickAsync("#search");
        var rows = page.Locator("#audit-results tbody tr");
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows.First).ToContainTextAsync("ping");
        await Axe.AssertNoSeriousViolationsAsync(page);

        await rows.First.Locator("a").First.ClickAsync();
        await Expect(page.Locator("main")).ToContainTextAsync(requestId);
        await Expect(page.Locator("main")).ToContainTextAsync(NewMember);
        await Axe.AssertNoSeriousViolationsAsync(page);
    }

    /// <summary>Runs the SDK client with the configuration as a file, the way a user pastes it into a client's settings.</summary>
    private static async Task<(string RequestId, JsonObject Result)> RunClientAsync(string configuration, string tool)
    {
        var file = Path.Combine(Path.GetTempPath(), $"portico-client-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, configuration);
        try
        {
            var start = new ProcessStartInfo(PortalTools.Node) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = PortalTools.Directory };
            start.ArgumentList.Add(PortalTools.Client);
            start.ArgumentList.Add(file);
            start.ArgumentList.Add(tool);
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(Eventually.DefaultTimeout);
            await process.WaitForExitAsync(timeout.Token);
            Assert.True(process.ExitCode == 0, $"the TypeScript client failed ({process.ExitCode}): {await errors}");
            var result = JsonNode.Parse(await output)!.AsObject();
            return (result["requestId"]!.GetValue<string>(), result);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
