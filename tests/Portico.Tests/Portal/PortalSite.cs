using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Portico.Access;
using Portico.Identity;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Portal;

/// <summary>
/// A Portico test server with the portal's three roles, each a person with a password: a Portico administrator; the
/// owner of <see cref="PorticoTestServer.TenantId"/> ("Test team", whose API key the server made); and a member of it.
/// A second tenant ("Other team", owned by someone else) is there to be refused. Sign in with a fresh Chromium context.
/// </summary>
internal sealed class PortalSite : IAsyncDisposable
{
    public const string Password = "correct horse battery";
    public const string AdminEmail = "admin@portico.test";
    public const string OwnerEmail = PorticoTestServer.UserEmail;
    public const string MemberEmail = "member@portico.test";
    public const string OtherOwnerEmail = "other-owner@portico.test";

    private PortalSite(PorticoTestServer server, string otherTenantId)
    {
        Server = server;
        OtherTenantId = otherTenantId;
    }

    public PorticoTestServer Server { get; }

    public string TenantId => Server.TenantId;

    public string OtherTenantId { get; }

    public Uri Url(string path) => new(Server.BaseAddress, path);

    public static async Task<PortalSite> StartAsync(IReadOnlyDictionary<string, string?>? configuration = null, Action<IServiceCollection>? services = null)
    {
        var server = await PorticoTestServer.StartAsync(configuration: configuration, services: services);
        var other = await server.AdminAsync(admin => admin.CreateTenantAsync("Other team", "basic", CancellationToken.None));
        await server.AdminAsync(admin => admin.AddMemberAsync(server.TenantId, MemberEmail, "member", CancellationToken.None));
        await server.AdminAsync(admin => admin.AddMemberAsync(other.Id, OtherOwnerEmail, "owner", CancellationToken.None));
        await using (var scope = server.Services.CreateAsyncScope())
        {
            var accounts = scope.ServiceProvider.GetRequiredService<UserAccounts>();
            foreach (var email in new[] { AdminEmail, OwnerEmail, MemberEmail, OtherOwnerEmail })
            {
                await accounts.AddAsync(email, Password, null, CancellationToken.None);
            }

            await accounts.SetAdminAsync(AdminEmail, true, CancellationToken.None);
        }

        return new PortalSite(server, other.Id);
    }

    /// <summary>Opens <paramref name="path"/> in a new page of <paramref name="context"/>, signing in on the way as the portal sends a browser to do.</summary>
    public async Task<IPage> SignInAsync(IBrowserContext context, string email, string path = "/portal")
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync(Url(path).ToString());
        await page.FillAsync("#email", email);
        await page.FillAsync("#password", Password);
        await page.ClickAsync("#sign-in");
        // The URL's commit, then the document as the page itself reports it: waiting for Playwright's load-state events
        // hung in full-suite runs after the page had arrived (its log: "NetworkIdle" fired, never "load" nor
        // "DOMContentLoaded"), so readiness is read from document.readyState with the suite's polling helper.
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == Url(path).AbsolutePath, new() { WaitUntil = WaitUntilState.Commit });
        await Eventually.AssertAsync(async () => await ReadyStateAsync(page) is "interactive" or "complete", $"the page {path} to finish loading after sign-in (now at {page.Url})");
        return page;
    }

    /// <summary>The document's readyState, or "navigating" while its execution context is being replaced.</summary>
    private static async Task<string> ReadyStateAsync(IPage page)
    {
        try
        {
            return await page.EvaluateAsync<string>("document.readyState");
        }
        catch (PlaywrightException)
        {
            return "navigating";
        }
    }

    /// <summary>A browser without JavaScript (an HttpClient with a cookie jar), signed in as <paramref name="email"/>.</summary>
    public async Task<HttpClient> HttpBrowserAsync(string email)
    {
        var browser = BrowserCookies.Client(Server.BaseAddress);
        using var login = await browser.GetAsync("/oauth/login");
        var csrf = Csrf(await login.Content.ReadAsStringAsync());
        using var signedIn = await browser.PostAsync("/oauth/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["csrf_token"] = csrf,
            ["email"] = email,
            ["password"] = Password,
            ["return_to"] = "/portal",
        }));
        Assert.Equal(System.Net.HttpStatusCode.SeeOther, signedIn.StatusCode);
        return browser;
    }

    /// <summary>
    /// Posts the form named <paramref name="formName"/> (a Razor form's <c>_handler</c>) of the page at <paramref name="path"/>,
    /// with the CSRF token of that page as <paramref name="browser"/> got it (or <paramref name="csrf"/>, to plant another).
    /// </summary>
    public static async Task<(System.Net.HttpStatusCode Status, string Html)> PostFormAsync(HttpClient browser, string path, string formName,
        IReadOnlyDictionary<string, string> fields, string? csrf = null)
    {
        if (csrf is null)
        {
            using var page = await browser.GetAsync(path);
            csrf = Csrf(await page.Content.ReadAsStringAsync());
        }

        var body = new Dictionary<string, string>(fields) { ["_handler"] = formName, ["csrf_token"] = csrf };
        using var response = await browser.PostAsync(path, new FormUrlEncodedContent(body));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>The CSRF token of a page's forms.</summary>
    public static string Csrf(string html)
    {
        var match = System.Text.RegularExpressions.Regex.Match(html, "name=\"csrf_token\" value=\"([^\"]*)\"");
        Assert.True(match.Success, "the page has no form with a CSRF token");
        return System.Net.WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}
