using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Portico.Access;
using Portico.Identity;
using Portico.Storage;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Identity;

/// <summary>
/// The client_credentials grant: only for confidential clients an operator registered, bound to a service principal,
/// a tenant and explicit scopes; a token bound to an MCP resource of this server, never <c>portico/admin</c>, no
/// refresh token. Anyone can register a client, so one that registered itself never gets a token for itself.
/// </summary>
public sealed class ClientCredentialsTests
{
    [Fact]
    public async Task Self_registering_a_confidential_client_for_client_credentials_is_invalid_client_metadata()
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var flow = await OAuthFlow.StartAsync(server);

        var response = await flow.RegisterAsync(new JsonObject
        {
            ["client_name"] = "Totally a back end",
            ["token_endpoint_auth_method"] = "client_secret_basic",
            ["grant_types"] = new JsonArray("client_credentials"),
            ["scope"] = "portico/records.read portico/records.write portico/admin",
        });

        OAuthAssert.Error(response, HttpStatusCode.BadRequest, "invalid_client_metadata", "client_credentials is not available to clients that register themselves");
        Assert.Contains("portico clients add", response.Body["error_description"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_self_registered_client_stored_by_an_earlier_build_with_client_credentials_gets_no_token()
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var flow = await OAuthFlow.StartAsync(server);
        var secret = Secrets.New("pcs_");
        await using (var scope = server.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
            db.Set<OAuthClientRecord>().Add(new OAuthClientRecord
            {
                Id = "pcl_legacy",
                SecretHash = Secrets.Hash(secret),
                Name = "Legacy",
                AuthMethod = "client_secret_basic",
                RedirectUris = "",
                GrantTypes = "client_credentials",
                CreatedAt = server.Clock.GetUtcNow(),
            });
            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        }

        var response = await flow.TokenAsync($"pcl_legacy:{secret}", ("grant_type", "client_credentials"));

        OAuthAssert.Error(response, HttpStatusCode.BadRequest, "unauthorized_client", "only for clients an operator registered");
        Assert.Equal(0, await OAuthAssert.GrantCountAsync(server));
    }

    [Fact]
    public async Task An_operator_client_gets_a_token_acting_as_its_service_principal_bound_to_its_tenant_within_its_scopes()
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var flow = await OAuthFlow.StartAsync(server);
        var (id, secret) = await flow.AddServiceClientAsync("portico/records.read portico/content.read");
        var other = await server.AdminAsync(a => a.CreateTenantAsync("Other team", "basic", CancellationToken.None));
        await server.AdminAsync(a => a.AddMemberAsync(other.Id, OAuthFlow.ServiceEmail, "member", CancellationToken.None));
        var service = await server.AdminAsync(a => a.GetUserAsync(OAuthFlow.ServiceEmail, CancellationToken.None));

        var (status, body) = await flow.TokenAsync($"{id}:{secret}", ("grant_type", "client_credentials"));
        var tenantResource = $"{server.BaseAddress.ToString().TrimEnd('/')}/{server.TenantId}/mcp";
        var (narrowStatus, narrow) = await flow.TokenAsync($"{id}:{secret}", ("grant_type", "client_credentials"), ("scope", "portico/content.read"),
            ("resource", tenantResource));
        var wider = await flow.TokenAsync($"{id}:{secret}", ("grant_type", "client_credentials"), ("scope", "portico/records.write"));

        Assert.True(status == HttpStatusCode.OK, body.ToJsonString());
        Assert.Equal("Bearer", (string?)body["token_type"]);
        Assert.Equal("portico/content.read portico/records.read", (string?)body["scope"]);
        Assert.Null(body["refresh_token"]);
        var claims = Jwt.Part(body["access_token"]!.GetValue<string>(), 1);
        Assert.Equal(server.McpEndpoint.ToString(), (string?)claims["aud"]);
        Assert.Equal(service.Id, (string?)claims["sub"]);
        Assert.Equal(id, (string?)claims["client_id"]);
        Assert.Equal(server.TenantId, (string?)claims["tenant_id"]);
        var mcp = flow.Mcp(body["access_token"]!.GetValue<string>());
        var context = (await mcp.CallToolAsync(await mcp.InitializeAsync(), "get-session-context")).Final["result"]!["structuredContent"]!;
        Assert.Equal(server.TenantId, (string?)context["credential"]!["boundTenantId"]);
        Assert.Equal([server.TenantId], context["groups"]!.AsArray().Select(g => (string)g!["groupId"]!));
        Assert.Equal(service.Id, (string?)context["user"]!["id"]);
        Assert.True(narrowStatus == HttpStatusCode.OK, narrow.ToJsonString());
        Assert.Equal("portico/content.read", (string?)narrow["scope"]);
        Assert.Equal(tenantResource, (string?)Jwt.Part(narrow["access_token"]!.GetValue<string>(), 1)["aud"]);
        OAuthAssert.Error(wider, HttpStatusCode.BadRequest, "invalid_scope", "'portico/records.write' is not among the scopes this client registered");
        Assert.Equal(2, await OAuthAssert.GrantCountAsync(server));
    }

    [Fact]
    public async Task An_operator_client_acting_for_itself_is_never_granted_admin_even_if_its_principal_is_an_administrator()
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var flow = await OAuthFlow.StartAsync(server);
        var (id, secret) = await flow.AddServiceClientAsync("portico/records.read portico/admin");
        await using (var scope = server.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<UserAccounts>().SetAdminAsync(OAuthFlow.ServiceEmail, true, CancellationToken.None);
        }

        var (status, withOthers) = await flow.TokenAsync($"{id}:{secret}", ("grant_type", "client_credentials"), ("scope", "portico/records.read portico/admin"));
        var alone = await flow.TokenAsync($"{id}:{secret}", ("grant_type", "client_credentials"), ("scope", "portico/admin"));

        Assert.True(status == HttpStatusCode.OK, withOthers.ToJsonString());
        Assert.Equal("portico/records.read", (string?)withOthers["scope"]);
        Assert.Equal("portico/records.read", (string?)Jwt.Part(withOthers["access_token"]!.GetValue<string>(), 1)["scope"]);
        OAuthAssert.Error(alone, HttpStatusCode.BadRequest, "invalid_scope", "a client acting for itself never does");
        Assert.Equal(1, await OAuthAssert.GrantCountAsync(server));
    }

    [Fact]
    public async Task A_self_registered_confidential_client_asking_for_client_credentials_is_unauthorized_client()
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var flow = await OAuthFlow.StartAsync(server);
        var (id, secret) = await flow.RegisterConfidentialAsync();

        var response = await flow.TokenAsync($"{id}:{secret}", ("grant_type", "client_credentials"));

        OAuthAssert.Error(response, HttpStatusCode.BadRequest, "unauthorized_client", "not registered for client_credentials");
        Assert.Equal(0, await OAuthAssert.GrantCountAsync(server));
    }

    [Fact]
    public async Task A_public_client_cannot_register_for_client_credentials()
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var flow = await OAuthFlow.StartAsync(server);

        var response = await flow.RegisterAsync(new JsonObject
        {
            ["token_endpoint_auth_method"] = "none",
            ["grant_types"] = new JsonArray("client_credentials"),
        });

        OAuthAssert.Error(response, HttpStatusCode.BadRequest, "invalid_client_metadata", "client_credentials is not available to clients that register themselves");
    }

    [Fact]
    public async Task An_operator_client_needs_a_service_principal_who_is_a_member_of_its_tenant()
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var flow = await OAuthFlow.StartAsync(server);

        var outsider = await Assert.ThrowsAsync<AccessException>(() => flow.AddOperatorClientAsync("X", [], ["client_credentials"], "portico/records.read",
            "nobody@portico.test", server.TenantId, mayIntrospect: false));
        var unbound = await Assert.ThrowsAsync<AccessException>(() => flow.AddOperatorClientAsync("X", [], ["client_credentials"], "portico/records.read",
            PorticoTestServer.UserEmail, null, mayIntrospect: false));
        var unscoped = await Assert.ThrowsAsync<OAuthException>(() => flow.AddOperatorClientAsync("X", [], ["client_credentials"], null,
            PorticoTestServer.UserEmail, server.TenantId, mayIntrospect: false));

        Assert.Contains("is not a member of tenant", outsider.Message, StringComparison.Ordinal);
        Assert.Contains("--service-principal and --tenant", unbound.Message, StringComparison.Ordinal);
        Assert.Contains("explicit scopes", unscoped.Message, StringComparison.Ordinal);
    }
}
