using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Portico.Access;
using Portico.Tests.Gateway;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Integrations;

/// <summary>Exploits against a tenant's integration secrets: other roles, other tenants, bound keys, narrow scopes, copied ciphertext, bad input.</summary>
public sealed class IntegrationAccessTests
{
    private const string Secret = "tp_live_owner_only";

    private static readonly Uri NoService = new("http://127.0.0.1:9/unused");

    [Fact]
    public async Task Only_an_owner_or_admin_of_the_tenant_sets_reads_or_clears_and_the_secret_never_comes_back()
    {
        await using var server = await PorticoTestServer.StartAsync(services: IntegrationTestServices.Pack(NoService));
        var ct = TestContext.Current.CancellationToken;
        var list = $"/admin/api/tenants/{server.TenantId}/integrations";
        var path = $"{list}/{IntegrationTestPack.Payments}";
        using var owner = CredentialUser.Owner(server);
        using var member = await CredentialUser.AddAsync(server, "member@portico.test");
        using var admin = await CredentialUser.AddAsync(server, "admin@portico.test", "admin");
        var other = await server.AdminAsync(a => a.CreateTenantAsync("Other team", "basic", CancellationToken.None));
        await server.AdminAsync(a => a.AddMemberAsync(other.Id, "mallory@portico.test", "owner", CancellationToken.None));
        var malloryKey = await server.AdminAsync(a => a.CreateKeyAsync("mallory@portico.test", "attacker", null, new HashSet<string>(Scopes.AllAreaScopes), null, test: true, CancellationToken.None));
        using var mallory = server.CreateClient(malloryKey.Plaintext);
        // The test user owns both tenants, but this key is bound to the other one.
        await server.AdminAsync(a => a.AddMemberAsync(other.Id, PorticoTestServer.UserEmail, "owner", CancellationToken.None));
        var bound = await server.AdminAsync(a => a.CreateKeyAsync(PorticoTestServer.UserEmail, "bound", other.Id, new HashSet<string>(Scopes.AllAreaScopes), null, test: true, CancellationToken.None));
        using var boundElsewhere = server.CreateClient(bound.Plaintext);
        var narrow = await server.AdminAsync(a => a.CreateKeyAsync(PorticoTestServer.UserEmail, "records", null, Scopes.Parse("records,vendors"), null, test: true, CancellationToken.None));
        using var recordsOnly = server.CreateClient(narrow.Plaintext);
        var reader = await server.AdminAsync(a => a.CreateKeyAsync(PorticoTestServer.UserEmail, "reader", null, Scopes.Parse("integrations.read"), null, test: true, CancellationToken.None));
        using var readOnly = server.CreateClient(reader.Plaintext);

        // A member of the tenant (not owner or admin) may neither set, read nor clear.
        foreach (var refused in new[] { await member.PutSecretAsync(path, "member's"), await member.GetAsync(path), await member.GetAsync(list), await member.DeleteAsync(path) })
        {
            using (refused)
            {
                Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
                Assert.Contains("owner or admin", (string?)(await refused.Content.ReadFromJsonAsync<JsonObject>(ct))!["message"], StringComparison.Ordinal);
            }
        }

        // Another tenant's owner, and a key bound to another tenant, are refused on this tenant's paths.
        foreach (var refused in new[]
        {
            await mallory.PutAsJsonAsync(path, new { secret = "mallory's" }, ct), await mallory.GetAsync(path, ct), await mallory.GetAsync(list, ct), await mallory.DeleteAsync(path, ct),
            await boundElsewhere.PutAsJsonAsync(path, new { secret = "bound" }, ct), await boundElsewhere.GetAsync(list, ct),
        })
        {
            using (refused)
            {
                Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            }
        }

        // A credential without the integrations scope, or with read only, cannot write.
        using (var noScope = await recordsOnly.PutAsJsonAsync(path, new { secret = "x" }, ct))
        using (var readerWrites = await readOnly.PutAsJsonAsync(path, new { secret = "x" }, ct))
        {
            foreach (var refused in new[] { noScope, readerWrites })
            {
                Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
                Assert.Contains("insufficient_scope", refused.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
                Assert.Contains("portico/integrations.write", (string?)(await refused.Content.ReadFromJsonAsync<JsonObject>(ct))!["message"], StringComparison.Ordinal);
            }
        }

        // Nothing the refused callers sent was stored.
        using (var status = await owner.GetAsync(path))
        {
            Assert.False((bool)(await status.Content.ReadFromJsonAsync<JsonObject>(ct))!["configured"]!);
        }

        // An admin of the tenant sets it; the owner replaces it; no answer ever carries it.
        using (var byAdmin = await admin.PutSecretAsync(path, "tp_live_admin"))
        {
            Assert.Equal(HttpStatusCode.OK, byAdmin.StatusCode);
        }

        using (var byOwner = await owner.PutSecretAsync(path, Secret))
        {
            var body = await byOwner.Content.ReadAsStringAsync(ct);
            Assert.Equal(HttpStatusCode.OK, byOwner.StatusCode);
            Assert.DoesNotContain(Secret, body, StringComparison.Ordinal);
        }

        using var one = await owner.GetAsync(path);
        using var all = await readOnly.GetAsync(list, ct);
        var oneBody = await one.Content.ReadAsStringAsync(ct);
        var allBody = await all.Content.ReadAsStringAsync(ct);
        Assert.Equal(HttpStatusCode.OK, all.StatusCode);
        Assert.DoesNotContain(Secret, oneBody, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, allBody, StringComparison.Ordinal);
        var shown = JsonNode.Parse(oneBody)!;
        Assert.True((bool)shown["configured"]!);
        Assert.Equal("Test Payments", (string?)shown["title"]);
        Assert.Contains("Developers", (string?)shown["whereToGet"], StringComparison.Ordinal);
        var listed = JsonNode.Parse(allBody)!["integrations"]!.AsArray();
        Assert.Equal([IntegrationTestPack.Mail, IntegrationTestPack.Payments], listed.Select(i => (string)i!["name"]!).ToArray());
        Assert.False((bool)listed.Single(i => (string?)i!["name"] == IntegrationTestPack.Mail)!["configured"]!);
        // At rest it is ciphertext.
        var asText = TestStores.IsPostgres(server.Settings.Store) ? "encode(secret, 'escape')" : "CAST(secret AS TEXT)";
        Assert.Equal(1, await TestStores.ScalarAsync(server.Settings.Store, $"SELECT COUNT(*) FROM tenant_integrations WHERE tenant_id = '{server.TenantId}'"));
        Assert.Equal(0, await TestStores.ScalarAsync(server.Settings.Store, $"SELECT COUNT(*) FROM tenant_integrations WHERE {asText} LIKE '%{Secret}%'"));

        // Mallory manages her own tenant's.
        using var own = await mallory.PutAsJsonAsync($"/admin/api/tenants/{other.Id}/integrations/{IntegrationTestPack.Payments}", new { secret = "mallory's own" }, ct);
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
    }

    [Fact]
    public async Task Ciphertext_copied_into_another_tenants_row_does_not_decrypt_there()
    {
        await using var service = await FakeHttpHost.StartAsync(context => context.Response.WriteAsync("ok"));
        await using var server = await PorticoTestServer.StartAsync(services: IntegrationTestServices.Pack(service.Url("/charges")));
        using var owner = CredentialUser.Owner(server);
        using (var set = await owner.PutSecretAsync($"/admin/api/tenants/{server.TenantId}/integrations/{IntegrationTestPack.Payments}", Secret))
        {
            Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        }

        var other = await server.AdminAsync(a => a.CreateTenantAsync("Other team", "basic", CancellationToken.None));
        await server.AdminAsync(a => a.AddMemberAsync(other.Id, PorticoTestServer.UserEmail, "owner", CancellationToken.None));
        // Someone with write access to the store copies the row to the other tenant.
        await TestStores.ScalarAsync(server.Settings.Store,
            $"INSERT INTO tenant_integrations (tenant_id, integration, secret, stamp, created_at, updated_at, updated_by) "
            + $"SELECT '{other.Id}', integration, secret, stamp, created_at, updated_at, updated_by FROM tenant_integrations WHERE tenant_id = '{server.TenantId}'");

        var copied = await owner.CallWithAsync("charge_test_payment", new JsonObject { ["amount"] = 5, ["tenantId"] = other.Id });
        Assert.Equal("INTEGRATION_NOT_CONFIGURED", CredentialUser.ErrorCode(copied));
        Assert.Empty(service.Requests);
        // The row it was made for still works.
        Assert.Equal("charged: 200", CredentialUser.Text(await owner.CallWithAsync("charge_test_payment", new JsonObject { ["amount"] = 5, ["tenantId"] = server.TenantId })));
    }

    [Fact]
    public async Task Bad_secrets_names_and_bodies_are_refused_with_a_hint_and_store_nothing()
    {
        await using var server = await PorticoTestServer.StartAsync(services: IntegrationTestServices.Pack(NoService));
        using var owner = CredentialUser.Owner(server);
        using var client = server.CreateClient();
        var ct = TestContext.Current.CancellationToken;
        var path = $"/admin/api/tenants/{server.TenantId}/integrations/{IntegrationTestPack.Payments}";

        foreach (var (secret, expected) in new[]
        {
            ("", "The secret is empty."),
            (new string('k', 8193), "longer than 8192"),
            ("tp_live_1\ntp_live_2", "line break"),
            ("tp_live\u0001x", "control character"),
        })
        {
            using var refused = await owner.PutSecretAsync(path, secret);
            var body = (await refused.Content.ReadFromJsonAsync<JsonObject>(ct))!;
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Contains(expected, (string?)body["error"], StringComparison.Ordinal);
            Assert.Contains("one line", (string?)body["hint"], StringComparison.Ordinal);
        }

        foreach (var (json, expected) in new[]
        {
            ("{\"secret\": tp_live", "not valid JSON"),
            ("{\"secret\": 42}", "string 'secret'"),
            ("[\"tp_live\"]", "string 'secret'"),
            ("null", "string 'secret'"),
        })
        {
            using var content = new StringContent(json, Encoding.UTF8, "application/json");
            using var refused = await client.PutAsync(path, content, ct);
            var body = (await refused.Content.ReadFromJsonAsync<JsonObject>(ct))!;
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Contains(expected, (string?)body["error"], StringComparison.Ordinal);
            Assert.Contains("{\"secret\":", (string?)body["hint"], StringComparison.Ordinal);
            Assert.DoesNotContain("tp_live", body.ToJsonString(), StringComparison.Ordinal);
        }

        using (var huge = new StringContent($"{{\"secret\":\"{new string('k', 70_000)}\"}}", Encoding.UTF8, "application/json"))
        using (var tooLarge = await client.PutAsync(path, huge, ct))
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
        }

        // An integration nobody declared: 404 with the ones that exist.
        using (var unknown = await owner.PutSecretAsync($"/admin/api/tenants/{server.TenantId}/integrations/paymentz", Secret))
        {
            var body = (await unknown.Content.ReadFromJsonAsync<JsonObject>(ct))!;
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
            Assert.Equal("No integration named 'paymentz'.", (string?)body["error"]);
            Assert.Equal([IntegrationTestPack.Mail, IntegrationTestPack.Payments], body["integrations"]!.AsArray().Select(n => (string)n!).ToArray());
        }

        using (var unknownRead = await owner.GetAsync($"/admin/api/tenants/{server.TenantId}/integrations/..%2F..%2Fkeys"))
        {
            Assert.Equal(HttpStatusCode.NotFound, unknownRead.StatusCode);
        }

        using var status = await owner.GetAsync(path);
        Assert.False((bool)(await status.Content.ReadFromJsonAsync<JsonObject>(ct))!["configured"]!);
        Assert.Equal(0, await TestStores.ScalarAsync(server.Settings.Store, "SELECT COUNT(*) FROM tenant_integrations"));
    }
}
