using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Portico.Connectors;
using Portico.Tests.Gateway;
using Portico.Tests.Portal;
using Portico.Tests.TestSupport;
using static Microsoft.Playwright.Assertions;

namespace Portico.Tests.Connectors;

/// <summary>A connector's connection is set where every integration is: the owner pastes the secret in the portal, in Chromium.</summary>
public sealed class ConnectorPortalTests(HeadlessChromium chromium) : IClassFixture<HeadlessChromium>
{
    [Fact]
    public async Task The_owner_pastes_the_connectors_secret_in_the_portal_and_the_very_next_call_carries_it()
    {
        await using var vault = await FakeHttpHost.StartAsync(context => context.Response.WriteAsJsonAsync(new { ok = true }));
        await using var site = await PortalSite.StartAsync(configuration: new Dictionary<string, string?>
        {
            ["Portico:Outbound:Connectors:AllowPrivateNetworks"] = "true",
            ["Portico:Outbound:Connectors:AllowHttp"] = "true",
        });
        await using (var scope = site.Server.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<ConnectorAdmin>().AddAsync(new ConnectorInput
            {
                Name = "vault",
                Document = $$"""
                    { "openapi": "3.1.0", "info": { "title": "Vault", "version": "1" }, "servers": [ { "url": "{{vault.BaseAddress.AbsoluteUri.TrimEnd('/')}}" } ],
                      "security": [ { "key": [] } ],
                      "paths": { "/items": { "get": { "operationId": "listItems", "responses": { "200": { "description": "ok" } } } } },
                      "components": { "securitySchemes": { "key": { "type": "http", "scheme": "bearer", "description": "Vault console → Tokens" } } } }
                    """,
            }, "test", TestContext.Current.CancellationToken);
        }

        using var caller = CredentialUser.Owner(site.Server);
        await Eventually.AssertAsync(async () => (await caller.ToolNamesAsync()).Contains("vault__listItems"), "the connector's tool");
        var refused = await caller.CallWithAsync("vault__listItems", new JsonObject());
        Assert.Equal("INTEGRATION_NOT_CONFIGURED", CredentialUser.ErrorCode(refused));
        var link = new Uri((string)refused["structuredContent"]!["error"]!["details"]!["link"]!);

        await using var context = await chromium.NewContextAsync();
        var page = await site.SignInAsync(context, PortalSite.OwnerEmail, link.AbsolutePath);
        await Expect(page.Locator("#integration-vault")).ToContainTextAsync("not configured");
        await Expect(page.Locator("#integration-vault")).ToContainTextAsync("Vault console → Tokens");
        await page.SelectOptionAsync("#set-integration", "vault");
        await page.FillAsync("#set-secret", "vt_live_42");
        await page.ClickAsync("#save");
        await Expect(page.Locator("#notice")).ToContainTextAsync("Saved the Vault secret");
        Assert.DoesNotContain("vt_live_42", await page.ContentAsync(), StringComparison.Ordinal);

        var next = await caller.CallWithAsync("vault__listItems", new JsonObject());
        Assert.Null(CredentialUser.ErrorCode(next));
        Assert.Contains(vault.Requests, r => r.Path == "/items" && r.Headers.TryGetValue("Authorization", out var value) && value == "Bearer vt_live_42");
    }
}
