using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Portico.Identity;
using Portico.Tests.TestSupport;
using static Microsoft.Playwright.Assertions;

namespace Portico.Tests.Identity;

/// <summary>
/// The device page (<c>/oauth/device</c>) clicked through in headless Chromium while the device polls the token endpoint
/// over HTTP: the code form, the sign-in form, the consent form and the final page, as a person on a phone would see them.
/// </summary>
public sealed class DevicePageBrowserTests(HeadlessChromium chromium) : IClassFixture<HeadlessChromium>
{
    private const string Scopes = "portico/records.read portico/records.write";

    [Fact]
    public async Task Code_typed_on_the_verification_uri_then_sign_in_and_allow_lets_the_device_poll_tokens()
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var flow = await OAuthFlow.StartAsync(server);
        var (clientId, started) = await StartDeviceAsync(flow);
        var userCode = started["user_code"]!.GetValue<string>();
        await using var context = await chromium.NewContextAsync();
        var page = await context.NewPageAsync();

        Assert.Equal(200, (await page.GotoAsync(started["verification_uri"]!.GetValue<string>()))!.Status);
        await Expect(page.Locator("h1")).ToHaveTextAsync("Connect a device");
        await page.Locator("#user_code").FillAsync(userCode);
        await page.Locator("#continue").ClickAsync();
        await SignInAsync(page);

        await Expect(page.Locator("h1")).ToHaveTextAsync("Connect a device?");
        await Expect(page.Locator("main")).ToContainTextAsync("TV app");
        await Expect(page.Locator("main")).ToContainTextAsync(PorticoTestServer.UserEmail);
        await Expect(page.Locator("main")).ToContainTextAsync(userCode);
        await Expect(page.Locator("ul li")).ToHaveTextAsync(Scopes.Split(' '));
        OAuthAssert.Error(await flow.PollDeviceAsync(clientId, started["device_code"]!.GetValue<string>()), HttpStatusCode.BadRequest, "authorization_pending", "not approved");
        await page.Locator("#approve").ClickAsync();

        await Expect(page.Locator("h1")).ToHaveTextAsync("Device connected");
        await Expect(page.Locator("main")).ToContainTextAsync($"TV app can now use Portico as {PorticoTestServer.UserEmail}.");
        server.Clock.Advance(TimeSpan.FromSeconds(5));
        var (status, tokens) = await flow.PollDeviceAsync(clientId, started["device_code"]!.GetValue<string>());
        Assert.True(status == HttpStatusCode.OK, tokens.ToJsonString());
        Assert.Equal(Scopes, tokens["scope"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(tokens["access_token"]?.GetValue<string>()));
    }

    [Fact]
    public async Task Verification_uri_complete_goes_straight_to_sign_in_and_deny_makes_the_poll_answer_access_denied()
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var flow = await OAuthFlow.StartAsync(server);
        var (clientId, started) = await StartDeviceAsync(flow);
        await using var context = await chromium.NewContextAsync();
        var page = await context.NewPageAsync();

        Assert.Equal(200, (await page.GotoAsync(started["verification_uri_complete"]!.GetValue<string>()))!.Status);
        await Expect(page.Locator("#user_code")).ToHaveCountAsync(0);
        await Expect(page.Locator("main")).ToContainTextAsync($"the code {started["user_code"]!.GetValue<string>()}");
        await SignInAsync(page);
        await Expect(page.Locator("h1")).ToHaveTextAsync("Connect a device?");
        await page.Locator("#deny").ClickAsync();

        await Expect(page.Locator("h1")).ToHaveTextAsync("Request denied");
        OAuthAssert.Error(await flow.PollDeviceAsync(clientId, started["device_code"]!.GetValue<string>()), HttpStatusCode.BadRequest, "access_denied", "denied");
        Assert.Equal(0, await OAuthAssert.GrantCountAsync(server));
    }

    [Fact]
    public async Task Wrong_code_shows_the_error_and_keeps_what_was_typed_then_the_right_code_continues()
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var flow = await OAuthFlow.StartAsync(server);
        var (clientId, started) = await StartDeviceAsync(flow);
        var userCode = started["user_code"]!.GetValue<string>();
        // Same shape, one letter changed: a code that was never issued.
        var wrong = (userCode[0] == 'B' ? "C" : "B") + userCode[1..];
        await using var context = await chromium.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(started["verification_uri"]!.GetValue<string>());

        await page.Locator("#user_code").FillAsync(wrong);
        await page.Locator("#continue").ClickAsync();

        await Expect(page.Locator("[role=alert]")).ToContainTextAsync("That code is not valid");
        await Expect(page.Locator("#user_code")).ToHaveValueAsync(wrong);
        await Expect(page.Locator("#password")).ToHaveCountAsync(0);
        OAuthAssert.Error(await flow.PollDeviceAsync(clientId, started["device_code"]!.GetValue<string>()), HttpStatusCode.BadRequest, "authorization_pending", "not approved");

        await page.Locator("#user_code").FillAsync(userCode.ToLowerInvariant());
        await page.Locator("#continue").ClickAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync("Sign in to Portico");
        await Expect(page.Locator("[role=alert]")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task A_self_registered_device_client_is_shown_unverified()
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var flow = await OAuthFlow.StartAsync(server);
        var (_, started) = await StartDeviceAsync(flow);
        await using var context = await chromium.NewContextAsync();
        var page = await context.NewPageAsync();

        await page.GotoAsync(started["verification_uri_complete"]!.GetValue<string>());
        await SignInAsync(page);

        await Expect(page.Locator("#client-name")).ToHaveTextAsync("TV app");
        await Expect(page.Locator("#unverified")).ToBeVisibleAsync();
        await Expect(page.Locator("#unverified")).ToHaveTextAsync("unverified", new() { IgnoreCase = true });
        await Expect(page.Locator("main")).ToContainTextAsync("registered itself, not by your administrator");
    }

    [Fact]
    public async Task An_mcp_session_signing_itself_in_is_named_on_the_device_page_with_its_client_and_a_warning()
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var flow = await OAuthFlow.StartAsync(server);
        using var client = server.CreateClient();
        var mcp = new McpHttp(client);
        var session = await mcp.InitializeAsync(clientName: "Evil Agent");
        var call = await mcp.CallToolAsync(session, "authenticate");
        var started = call.Final["result"]!["structuredContent"]!;
        Assert.Equal(session[..8], (string?)started["session"]);
        Assert.Contains(session[..8], call.Final["result"]!["content"]![0]!["text"]!.GetValue<string>(), StringComparison.Ordinal);
        await using var context = await chromium.NewContextAsync();
        var page = await context.NewPageAsync();

        await page.GotoAsync(started["verification_uri_complete"]!.GetValue<string>());
        await SignInAsync(page);

        await Expect(page.Locator("#session-warning")).ToBeVisibleAsync();
        await Expect(page.Locator("#session-warning")).ToContainTextAsync("An MCP session asks to act as you");
        await Expect(page.Locator("#mcp-client")).ToHaveTextAsync("Evil Agent");
        await Expect(page.Locator("#session-warning")).ToContainTextAsync("Evil Agent 1.0");
        await Expect(page.Locator("#mcp-session")).ToHaveTextAsync(session[..8]);
        await Expect(page.Locator("#session-warning")).ToContainTextAsync("uses Portico with your access");
        await Expect(page.Locator("#unverified")).ToHaveCountAsync(0);
    }

    private static async Task<(string ClientId, JsonObject Started)> StartDeviceAsync(OAuthFlow flow)
    {
        var clientId = await flow.RegisterDeviceClientAsync();
        var (status, started) = await flow.DeviceAuthorizationAsync(("client_id", clientId), ("scope", Scopes));
        Assert.True(status == HttpStatusCode.OK, started.ToJsonString());
        Assert.EndsWith(DeviceFlow.VerificationPath, started["verification_uri"]!.GetValue<string>(), StringComparison.Ordinal);
        return (clientId, started);
    }

    private static async Task SignInAsync(IPage page)
    {
        await Expect(page.Locator("h1")).ToHaveTextAsync("Sign in to Portico");
        await page.Locator("#email").FillAsync(PorticoTestServer.UserEmail);
        await page.Locator("#password").FillAsync(OAuthFlow.Password);
        await page.Locator("#sign-in").ClickAsync();
    }
}
