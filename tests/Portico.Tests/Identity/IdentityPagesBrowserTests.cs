using System.Net;
using Microsoft.Playwright;
using Portico.Tests.TestSupport;
using static Microsoft.Playwright.Assertions;

namespace Portico.Tests.Identity;

/// <summary>
/// Portico's server-rendered identity pages in a real browser (headless Chromium): the forms submit, the CSRF cookie
/// and field round-trip, the redirects land where the client waits. One test per page flow; the device page has its
/// own class, <see cref="DevicePageBrowserTests"/>.
/// </summary>
public sealed class IdentityPagesBrowserTests(HeadlessChromium chromium) : IClassFixture<HeadlessChromium>
{
    private const string Scopes = "portico/content.read portico/records.read";

    [Fact]
    public async Task Sign_in_and_allow_end_at_the_redirect_uri_with_a_code_that_redeems()
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var flow = await OAuthFlow.StartAsync(server);
        var clientId = await flow.RegisterPublicAsync();
        await using var context = await chromium.NewContextAsync();
        var page = await OpenAuthorizeAsync(context, server, flow, clientId);

        await Expect(page.Locator("h1")).ToHaveTextAsync("Sign in to Portico");
        await page.Locator("#email").FillAsync(PorticoTestServer.UserEmail);
        await page.Locator("#password").FillAsync(OAuthFlow.Password);
        await page.Locator("#sign-in").ClickAsync();

        await Expect(page.Locator("h1")).ToHaveTextAsync("Allow access?");
        await Expect(page.Locator("#client-name")).ToHaveTextAsync("Test client");
        // It registered itself: the name is its own word, and the page says so.
        await Expect(page.Locator("#unverified")).ToBeVisibleAsync();
        await Expect(page.Locator("main")).ToContainTextAsync("redirecting to 127.0.0.1:43110");
        await Expect(page.Locator("main")).ToContainTextAsync(PorticoTestServer.UserEmail);
        await Expect(page.Locator("ul li")).ToHaveTextAsync(Scopes.Split(' '));
        await page.Locator("#approve").ClickAsync();

        await page.WaitForURLAsync(url => url.StartsWith(OAuthFlow.RedirectUri + "?", StringComparison.Ordinal));
        var query = OAuthFlow.Query(new Uri(page.Url));
        Assert.Equal("xyz", query["state"]);
        var (status, tokens) = await flow.ExchangeAsync(clientId, query["code"]);
        Assert.True(status == HttpStatusCode.OK, tokens.ToJsonString());
        Assert.Equal(Scopes, tokens["scope"]!.GetValue<string>());
    }

    [Fact]
    public async Task Wrong_password_shows_the_error_on_the_sign_in_page_and_keeps_the_email()
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var flow = await OAuthFlow.StartAsync(server);
        var clientId = await flow.RegisterPublicAsync();
        await using var context = await chromium.NewContextAsync();
        var page = await OpenAuthorizeAsync(context, server, flow, clientId);

        await page.Locator("#email").FillAsync(PorticoTestServer.UserEmail);
        await page.Locator("#password").FillAsync("not the password");
        await page.Locator("#sign-in").ClickAsync();

        await Expect(page.Locator("[role=alert]")).ToHaveTextAsync(Portico.Identity.UserAccounts.WrongCredentials);
        await Expect(page.Locator("h1")).ToHaveTextAsync("Sign in to Portico");
        await Expect(page.Locator("#email")).ToHaveValueAsync(PorticoTestServer.UserEmail);
        await Expect(page.Locator("#password")).ToHaveValueAsync("");
        await Expect(page.Locator("#approve")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task Deny_on_the_consent_page_ends_at_the_redirect_uri_with_access_denied()
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var flow = await OAuthFlow.StartAsync(server);
        var clientId = await flow.RegisterPublicAsync();
        await using var context = await chromium.NewContextAsync();
        var page = await OpenAuthorizeAsync(context, server, flow, clientId);
        await page.Locator("#email").FillAsync(PorticoTestServer.UserEmail);
        await page.Locator("#password").FillAsync(OAuthFlow.Password);
        await page.Locator("#sign-in").ClickAsync();

        await page.Locator("#deny").ClickAsync();

        await page.WaitForURLAsync(url => url.StartsWith(OAuthFlow.RedirectUri + "?", StringComparison.Ordinal));
        var query = OAuthFlow.Query(new Uri(page.Url));
        Assert.Equal("access_denied", query["error"]);
        Assert.Equal("xyz", query["state"]);
        Assert.False(query.ContainsKey("code"));
    }

    /// <summary>
    /// Opens the authorization URL; the client's loopback redirect_uri is answered inside the browser, as the
    /// client's own listener would.
    /// </summary>
    private static async Task<IPage> OpenAuthorizeAsync(IBrowserContext context, PorticoTestServer server, OAuthFlow flow, string clientId)
    {
        await context.RouteAsync(url => url.StartsWith(OAuthFlow.RedirectUri, StringComparison.Ordinal),
            route => route.FulfillAsync(new RouteFulfillOptions { Status = 200, ContentType = "text/plain", Body = "Signed in; you can close this window." }));
        var page = await context.NewPageAsync();
        var response = await page.GotoAsync(new Uri(server.BaseAddress, flow.AuthorizeUrl(clientId, Scopes, server.McpEndpoint.ToString())).ToString());
        Assert.Equal(200, response!.Status);
        return page;
    }
}
