using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Portico.Access;
using Portico.Connectors;
using Portico.Tests.Gateway;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Connectors;

/// <summary>
/// A connector whose document has a security scheme is an integration: tenants connect it with a secret (set by people,
/// never by a tool), calls carry it, a tenant without it gets INTEGRATION_NOT_CONFIGURED with the portal link.
/// </summary>
public sealed class ConnectorConnectionTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string VaultDocument(Uri server) => $$"""
        {
          "openapi": "3.1.0",
          "info": { "title": "Vault", "version": "1" },
          "servers": [ { "url": "{{server.AbsoluteUri.TrimEnd('/')}}" } ],
          "security": [ { "vaultKey": [] } ],
          "paths": {
            "/items": { "get": { "operationId": "listItems",
              "parameters": [ { "name": "X-Vault-Key", "in": "header", "schema": { "type": "string" } } ],
              "responses": { "200": { "description": "ok", "content": { "application/json": { "schema": { "type": "object" } } } } } } },
            "/status": { "get": { "operationId": "status", "security": [], "responses": { "200": { "description": "ok" } } } }
          },
          "components": { "securitySchemes": {
            "vaultKey": { "type": "apiKey", "in": "header", "name": "X-Vault-Key", "description": "Vault console → Settings → API keys" }
          } }
        }
        """;

    [Fact]
    public async Task A_tenant_connects_the_connector_with_a_secret_and_the_next_call_carries_it_on_every_instance()
    {
        await using var vault = await FakeHttpHost.StartAsync(context => context.Response.WriteAsJsonAsync(new { ok = true }));
        await using var instances = await TwoInstances.StartAsync(new Dictionary<string, string?>
        {
            ["Portico:Outbound:Connectors:AllowPrivateNetworks"] = "true",
            ["Portico:Outbound:Connectors:AllowHttp"] = "true",
        });
        var admin = await instances.A.AdminAsync(a => a.CreateKeyAsync(PorticoTestServer.UserEmail, "admin", null, new HashSet<string> { Scopes.Admin }, null, test: true, CancellationToken.None));
        using (var adminClient = instances.A.CreateClient(admin.Plaintext))
        using (var added = await adminClient.PostAsJsonAsync("/admin/api/connectors", new { name = "vault", document = VaultDocument(vault.BaseAddress) }, Ct))
        {
            Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        }

        using var owner = CredentialUser.Owner(instances.A);
        using var ownerOnB = owner.On(instances.B);
        var other = await instances.A.AdminAsync(a => a.CreateTenantAsync("Other team", "basic", "outsider@portico.test", CancellationToken.None));
        var outsiderKey = await instances.A.AdminAsync(a => a.CreateKeyAsync("outsider@portico.test", "outsider", other.Id, new HashSet<string>(Scopes.AllAreaScopes), null, test: true, CancellationToken.None));
        using var outsider = new HttpClient { BaseAddress = instances.B.BaseAddress };
        outsider.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", $"Bearer {outsiderKey.Plaintext}");
        var tenant = instances.A.TenantId;
        await Eventually.AssertAsync(async () => (await ownerOnB.ToolNamesAsync()).Contains("vault__listItems"), "the connector's tools on B");

        var refused = await ownerOnB.CallWithAsync("vault__listItems", new JsonObject());
        var open = await ownerOnB.CallWithAsync("vault__status", new JsonObject());
        var listedIntegrations = await owner.GetAsync($"/admin/api/tenants/{tenant}/integrations");

        var error = refused["structuredContent"]!["error"]!;
        Assert.Equal("INTEGRATION_NOT_CONFIGURED", (string?)error["code"]);
        Assert.Equal("vault", (string?)error["details"]!["integration"]);
        Assert.Equal($"{instances.B.BaseAddress.AbsoluteUri.TrimEnd('/')}/portal/tenants/{tenant}/integrations", (string?)error["details"]!["link"]);
        Assert.Contains("X-Vault-Key", (string?)error["details"]!["secret"], StringComparison.Ordinal);
        Assert.Equal("Vault console → Settings → API keys", (string?)error["details"]!["whereToGet"]);
        Assert.Null(CredentialUser.ErrorCode(open));
        Assert.DoesNotContain(vault.Requests, r => r.Path == "/items");
        Assert.Contains("\"vault\"", await listedIntegrations.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);

        // Pasted by the owner (the portal's Integrations page stores it the same way) through A; the next call on B works.
        using var set = await owner.PutSecretAsync($"/admin/api/tenants/{tenant}/integrations/vault", "vk_live_123");
        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        await Eventually.AssertAsync(async () => CredentialUser.ErrorCode(await ownerOnB.CallWithAsync("vault__listItems", new JsonObject { ["X-Vault-Key"] = "forged" })) is null,
            "the stored secret used on B");
        var request = vault.Requests.Last(r => r.Path == "/items");
        Assert.Equal("vk_live_123", request.Headers["X-Vault-Key"]);

        var integrations = (await owner.CallWithAsync("list_integrations", new JsonObject()))["structuredContent"]!["integrations"]!.AsArray();
        Assert.Contains(integrations, i => (string?)i!["name"] == "vault" && (bool)i["configured"]! && (string?)i["title"] == "Vault");
        Assert.DoesNotContain("vk_live_123", integrations.ToJsonString(), StringComparison.Ordinal);

        // Another tenant still has no connection.
        var viaOutsider = new McpHttp(outsider);
        var outsiderCall = await viaOutsider.CallToolAsync(await viaOutsider.InitializeAsync(), "vault__listItems", new JsonObject());
        Assert.Contains("INTEGRATION_NOT_CONFIGURED", outsiderCall.Body, StringComparison.Ordinal);
        Assert.Single(vault.Requests, r => r.Path == "/items");
    }

    [Fact]
    public async Task The_cli_sets_a_connector_connection_like_any_integration()
    {
        using var sandbox = new Portico.Tests.Cli.CliSandbox();
        var file = Path.Combine(Path.GetTempPath(), $"vault-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, VaultDocument(new Uri("https://vault.example.com")), Ct);
        try
        {
            var tenant = await sandbox.CreateTenantAsync();
            var added = await sandbox.RunAsync("connectors", "add", "--name", "vault", "--file", file);
            var set = await sandbox.RunAsync("integrations", "set", "--tenant", tenant, "--name", "vault", "--secret", "vk_live_9", "--json");
            var listed = await sandbox.RunAsync("integrations", "list", "--tenant", tenant, "--json");

            Assert.True(added.ExitCode == 0, added.Error);
            Assert.True(set.ExitCode == 0, set.Error);
            Assert.Contains("\"vault\"", listed.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("vk_live_9", listed.Output + set.Output, StringComparison.Ordinal);
            Assert.Equal(0L, await TestStores.ScalarAsync(sandbox.Store, "SELECT COUNT(*) FROM tenant_integrations WHERE CAST(secret AS TEXT) LIKE '%vk_live_9%'"));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData("""{ "type": "apiKey", "in": "query", "name": "api_key" }""", "/items?q=1&api_key=s%20k", null)]
    [InlineData("""{ "type": "http", "scheme": "bearer" }""", "/items?q=1&api_key=forged", "Bearer s k")]
    [InlineData("""{ "type": "http", "scheme": "basic" }""", "/items?q=1&api_key=forged", "Basic dXNlcjpzIGs=")]
    public void Each_supported_scheme_puts_the_secret_where_it_says(string scheme, string target, string? authorization)
    {
        var document = JsonNode.Parse($$"""
            { "openapi": "3.1.0", "info": { "title": "T", "version": "1" }, "servers": [ { "url": "https://t.example.com" } ],
              "security": [ { "s": [] } ],
              "paths": { "/items": { "get": { "operationId": "list", "parameters": [ { "name": "q", "in": "query", "schema": { "type": "string" } },
                { "name": "api_key", "in": "query", "schema": { "type": "string" } } ], "responses": { "200": { "description": "ok" } } } } },
              "components": { "securitySchemes": { "s": {{scheme}} } } }
            """)!.AsObject();
        var connector = ConnectorDefinition.From("t", document, null, null, "");
        var operation = Assert.Single(connector.Operations);
        var secret = authorization?.StartsWith("Basic", StringComparison.Ordinal) == true ? "user:s k" : "s k";

        using var request = ConnectorCalls.Build(connector, operation, JsonSerializer.SerializeToElement(new { q = "1", api_key = "forged" }), secret);

        Assert.True(operation.NeedsConnection);
        Assert.NotNull(connector.Integration);
        // An argument never stands in for the secret: the query key's own argument is dropped; other arguments go as they are.
        Assert.Equal(target, request.RequestUri!.PathAndQuery);
        Assert.Equal(authorization, request.Headers.Authorization?.ToString());
    }
}
