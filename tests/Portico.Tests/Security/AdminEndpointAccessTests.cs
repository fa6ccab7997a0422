using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Portico.Access;
using Portico.Tests.Gateway;
using Portico.Tests.Identity;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Security;

/// <summary>Exploits against the admin API's policies: a narrower scope, another tenant, a key bound elsewhere, a refreshed token, a public health page.</summary>
public sealed class AdminEndpointAccessTests
{
    private static readonly string[] Tools = ["docs__*"];

    [Fact]
    public async Task A_tenant_owners_records_read_key_cannot_change_the_tenants_upstream_credentials_or_allowlist()
    {
        await using var server = await PorticoTestServer.StartAsync();
        var tenant = server.TenantId;
        using var readOnly = server.CreateClient(await KeyAsync(server, PorticoTestServer.UserEmail, "records.read"));
        using var vendorsRead = server.CreateClient(await KeyAsync(server, PorticoTestServer.UserEmail, "vendors.read"));
        using var vendorsWrite = server.CreateClient(await KeyAsync(server, PorticoTestServer.UserEmail, "vendors.write"));
        var allowlist = $"/admin/api/tenants/{tenant}/upstream-tools";
        var credential = $"/admin/api/upstreams/docs/credentials/tenant/{tenant}";
        var ct = TestContext.Current.CancellationToken;

        using var putAllowlist = await readOnly.PutAsJsonAsync(allowlist, new { tools = Tools }, ct);
        using var putCredential = await readOnly.PutAsJsonAsync(credential, new { secret = "attacker's" }, ct);
        using var deleteCredential = await readOnly.DeleteAsync(credential, ct);
        using var getAllowlist = await readOnly.GetAsync(allowlist, ct);
        using var ownCredential = await readOnly.PutAsJsonAsync("/admin/api/upstreams/docs/credentials/me", new { secret = "x" }, ct);
        using var readerWrites = await vendorsRead.PutAsJsonAsync(allowlist, new { tools = Tools }, ct);
        using var readerReads = await vendorsRead.GetAsync(allowlist, ct);
        using var writerWrites = await vendorsWrite.PutAsJsonAsync(allowlist, new { tools = Tools }, ct);

        foreach (var refused in new[] { putAllowlist, putCredential, deleteCredential, getAllowlist, ownCredential, readerWrites })
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Contains("insufficient_scope", refused.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
            Assert.Contains("lacks the scope portico/vendors.", (string?)(await refused.Content.ReadFromJsonAsync<JsonObject>(ct))!["message"], StringComparison.Ordinal);
        }

        Assert.Equal(HttpStatusCode.OK, readerReads.StatusCode);
        Assert.Equal(HttpStatusCode.OK, writerWrites.StatusCode);
    }

    [Fact]
    public async Task Another_tenants_owner_and_a_key_bound_to_another_tenant_are_refused()
    {
        await using var server = await PorticoTestServer.StartAsync();
        var other = await server.AdminAsync(a => a.CreateTenantAsync("Other team", "basic", CancellationToken.None));
        await server.AdminAsync(a => a.AddMemberAsync(other.Id, "mallory@portico.test", "owner", CancellationToken.None));
        using var mallory = server.CreateClient(await KeyAsync(server, "mallory@portico.test", "vendors"));
        // The test user owns both tenants, but this key is bound to the other one.
        await server.AdminAsync(a => a.AddMemberAsync(other.Id, PorticoTestServer.UserEmail, "owner", CancellationToken.None));
        var bound = await server.AdminAsync(a => a.CreateKeyAsync(PorticoTestServer.UserEmail, "bound", other.Id, Scopes.Parse("vendors"), null, test: true, CancellationToken.None));
        using var boundElsewhere = server.CreateClient(bound.Plaintext);
        var ct = TestContext.Current.CancellationToken;

        using var foreign = await mallory.PutAsJsonAsync($"/admin/api/tenants/{server.TenantId}/upstream-tools", new { tools = Tools }, ct);
        using var crossBound = await boundElsewhere.PutAsJsonAsync($"/admin/api/upstreams/docs/credentials/tenant/{server.TenantId}", new { secret = "x" }, ct);
        using var ownTenant = await mallory.GetAsync($"/admin/api/tenants/{other.Id}/upstream-tools", ct);

        Assert.Equal(HttpStatusCode.Forbidden, foreign.StatusCode);
        Assert.Contains("owner or admin", (string?)(await foreign.Content.ReadFromJsonAsync<JsonObject>(ct))!["message"], StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, crossBound.StatusCode);
        Assert.Contains("bound to tenant", (string?)(await crossBound.Content.ReadFromJsonAsync<JsonObject>(ct))!["message"], StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, ownTenant.StatusCode);
    }

    [Fact]
    public async Task A_refreshed_access_token_spends_the_same_http_budget_as_the_one_it_replaced()
    {
        await using var server = await PorticoTestServer.StartAsync(configuration: new Dictionary<string, string?>
        {
            ["Portico:RateLimits:RequestsPerMinuteByPlan:basic"] = "3",
        });
        using var flow = await OAuthFlow.StartAsync(server);
        var clientId = await flow.RegisterPublicAsync();
        var tokens = await flow.SignInAsync(clientId);
        var first = flow.Mcp((string)tokens["access_token"]!);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await first.PostAsync(McpHttp.Initialize())).Status);
        }

        var (status, refreshed) = await flow.TokenAsync(("grant_type", "refresh_token"), ("refresh_token", (string)tokens["refresh_token"]!), ("client_id", clientId));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.NotEqual((string)tokens["access_token"]!, (string)refreshed["access_token"]!);

        var afterRefresh = await flow.Mcp((string)refreshed["access_token"]!).PostAsync(McpHttp.Initialize());

        Assert.Equal(HttpStatusCode.TooManyRequests, afterRefresh.Status);
    }

    [Fact]
    public async Task The_public_vendor_health_shows_status_only_and_administrators_see_the_details()
    {
        await using var gateway = await GatewayHarness.StartAsync();
        await gateway.AddAsync(new { name = "internal", url = "http://127.0.0.1:9/mcp" });
        await gateway.WaitForVendorAsync("internal", v => v["lastError"] is not null, "checked and failing");
        using var anonymous = gateway.Server.CreateClient(null);
        using var member = gateway.Server.CreateClient();

        var publicView = await anonymous.GetStringAsync("/health/vendors", TestContext.Current.CancellationToken);
        var memberView = await member.GetStringAsync("/health/vendors", TestContext.Current.CancellationToken);

        foreach (var view in new[] { publicView, memberView })
        {
            var entry = Assert.Single(JsonNode.Parse(view)!.AsArray())!.AsObject();
            Assert.Equal(["name", "status"], entry.Select(p => p.Key).ToArray());
            Assert.DoesNotContain("127.0.0.1", view, StringComparison.Ordinal);
        }
    }

    private static async Task<string> KeyAsync(PorticoTestServer server, string email, string scopes)
        => (await server.AdminAsync(a => a.CreateKeyAsync(email, scopes, null, Scopes.Parse(scopes), null, test: true, CancellationToken.None))).Plaintext;
}
