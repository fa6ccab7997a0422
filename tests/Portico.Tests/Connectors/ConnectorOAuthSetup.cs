using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portico.Access;
using Portico.Connectors;
using Portico.Identity;
using Portico.Integrations;
using Portico.Storage;
using Portico.Tests.Identity;
using Portico.Tests.Portal;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Connectors;

/// <summary>
/// An OAuth connector <c>who</c> on a portal site (the consumer), whose provider is a second Portico: its OpenID Connect
/// discovery, dynamic registration, sign-in and consent pages and token endpoint are real, and the connector's one tool
/// calls its userinfo endpoint, which answers whose token came. Two users can sign in at the provider.
/// </summary>
internal sealed class ConnectorOAuthSetup : IAsyncDisposable
{
    public const string Connector = "who";
    public const string Tool = "who__whoAmI";
    public const string SecondProviderEmail = "bob@provider.test";

    private ConnectorOAuthSetup(PortalSite site, PorticoTestServer provider, Uri providerBase)
    {
        Site = site;
        Provider = provider;
        ProviderBase = providerBase;
    }

    public PortalSite Site { get; }

    public PorticoTestServer Provider { get; }

    /// <summary>The provider's address as the connector names it (and so the browser sees it).</summary>
    public Uri ProviderBase { get; }

    public string IntegrationsPath => IntegrationGate.PortalPath(Site.TenantId);

    /// <summary>
    /// Starts both. <paramref name="providerHost"/> is how the provider is addressed: a real browser needs a host name other than
    /// the consumer's (<c>localhost</c> against <c>127.0.0.1</c>), or the two Porticos' session cookies would overwrite each other.
    /// </summary>
    public static async Task<ConnectorOAuthSetup> StartAsync(string providerHost = "127.0.0.1", ProviderTokenRequests? tokenRequests = null)
    {
        var provider = await PorticoTestServer.StartAsync(services: tokenRequests is null ? null : s => s.AddSingleton<Microsoft.AspNetCore.Hosting.IStartupFilter>(tokenRequests));
        (await OAuthFlow.StartAsync(provider)).Dispose();
        await using (var scope = provider.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<UserAccounts>().AddAsync(SecondProviderEmail, OAuthFlow.Password, null, CancellationToken.None);
        }

        var providerBase = new UriBuilder(provider.BaseAddress) { Host = providerHost }.Uri;
        var site = await PortalSite.StartAsync(configuration: new Dictionary<string, string?>
        {
            ["Portico:Outbound:Connectors:AllowPrivateNetworks"] = "true",
            ["Portico:Outbound:Connectors:AllowHttp"] = "true",
        });
        var document = (await File.ReadAllTextAsync(Path.Combine(ConnectorTools.E2eDirectory, "connectors", "portico-provider.yaml")))
            .Replace("https://provider.example", providerBase.AbsoluteUri.TrimEnd('/'), StringComparison.Ordinal);
        await using (var scope = site.Server.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<ConnectorAdmin>().AddAsync(new ConnectorInput { Name = Connector, Document = document }, "test", CancellationToken.None);
        }

        return new ConnectorOAuthSetup(site, provider, providerBase);
    }

    public async Task<string> ProviderUserIdAsync(string email)
    {
        await using var scope = Provider.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<PorticoDbContext>().Set<UserRecord>().AsNoTracking().Where(u => u.Email == email).Select(u => u.Id).SingleAsync();
    }

    public async Task<T> ConsumerDb<T>(Func<PorticoDbContext, Task<T>> query)
    {
        await using var scope = Site.Server.Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<PorticoDbContext>());
    }

    /// <summary>
    /// Without JavaScript: posts the portal's "Connect account" form as <paramref name="browser"/> and returns the redirect to the
    /// provider's authorization endpoint the page links to (null when the page refused).
    /// </summary>
    public async Task<(HttpStatusCode Status, Uri? Authorize, string Html)> StartConnectAsync(HttpClient browser, string label, string? tenantId = null)
    {
        var path = IntegrationGate.PortalPath(tenantId ?? Site.TenantId);
        using var page = await browser.GetAsync(path);
        var html = await page.Content.ReadAsStringAsync();
        var csrf = page.StatusCode == HttpStatusCode.OK ? PortalSite.Csrf(html) : "none";
        using var response = await browser.PostAsync(path, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "connect",
            ["csrf_token"] = csrf,
            ["Connect.Integration"] = Connector,
            ["Connect.Label"] = label,
        }));
        var answer = await response.Content.ReadAsStringAsync();
        var link = System.Text.RegularExpressions.Regex.Match(answer, "id=\"continue\"[^>]*href=\"([^\"]+)\"");
        return (response.StatusCode, link.Success ? new Uri(WebUtility.HtmlDecode(link.Groups[1].Value)) : null, answer);
    }

    /// <summary>Connects an account for the site's tenant as its owner, without JavaScript; returns its id.</summary>
    public async Task<string> ConnectAsync(string label)
    {
        using var owner = await Site.HttpBrowserAsync(PortalSite.OwnerEmail);
        var (_, authorize, html) = await StartConnectAsync(owner, label);
        Assert.True(authorize is not null, html);
        using var pages = new OAuthFlow(Provider);
        using var done = await owner.GetAsync(await pages.ApproveAsync(authorize.ToString()));
        Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);
        return done.Headers.Location!.ToString().Split("connected=")[1];
    }

    public async ValueTask DisposeAsync()
    {
        await Site.DisposeAsync();
        await Provider.DisposeAsync();
    }
}
