using System.Net;
using System.Text.Json.Nodes;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Identity;

/// <summary>
/// The client_credentials grant: confidential clients only, a token bound to an MCP resource of this server,
/// within the scopes the client registered, never <c>portico/admin</c>, and no refresh token.
/// </summary>
public sealed class ClientCredentialsTests
{
    [Fact]
    public async Task A_confidential_client_gets_an_audience_bound_token_of_its_registered_scopes_without_a_refresh_token()
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var flow = await OAuthFlow.StartAsync(server);
        var (id, secret) = await RegisterAsync(flow, "portico/records.read portico/content.read");

        var (status, body) = await flow.TokenAsync($"{id}:{secret}", ("grant_type", "client_credentials"));
        var tenantResource = $"{server.BaseAddress.ToString().TrimEnd('/')}/{server.TenantId}/mcp";
        var (narrowStatus, narrow) = await flow.TokenAsync($"{id}:{secret}", ("grant_type", "client_credentials"), ("scope", "portico/content.read"),
            ("resource", tenantResource));

        Assert.True(status == HttpStatusCode.OK, body.ToJsonString());
        Assert.Equal("Bearer", (string?)body["token_type"]);
        Assert.Equal("portico/content.read portico/records.read", (string?)body["scope"]);
        Assert.Null(body["refresh_token"]);
        var claims = Jwt.Part(body["access_token"]!.GetValue<string>(), 1);
        Assert.Equal(server.McpEndpoint.ToString(), (string?)claims["aud"]);
        Assert.Equal(id, (string?)claims["sub"]);
        Assert.Equal(id, (string?)claims["client_id"]);
        Assert.Equal(HttpStatusCode.OK, (await flow.Mcp(body["access_token"]!.GetValue<string>()).PostAsync(McpHttp.Initialize())).Status);
        Assert.True(narrowStatus == HttpStatusCode.OK, narrow.ToJsonString());
        Assert.Equal("portico/content.read", (string?)narrow["scope"]);
        Assert.Equal(tenantResource, (string?)Jwt.Part(narrow["access_token"]!.GetValue<string>(), 1)["aud"]);
        Assert.Null(narrow["refresh_token"]);
    }

    [Fact]
    public async Task A_scope_the_client_did_not_register_is_invalid_scope_and_nothing_is_granted()
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var flow = await OAuthFlow.StartAsync(server);
        var (id, secret) = await RegisterAsync(flow, "portico/records.read");

        var response = await flow.TokenAsync($"{id}:{secret}", ("grant_type", "client_credentials"), ("scope", "portico/records.write"));

        OAuthAssert.Error(response, HttpStatusCode.BadRequest, "invalid_scope", "'portico/records.write' is not among the scopes this client registered");
        Assert.Equal(0, await OAuthAssert.GrantCountAsync(server));
    }

    [Fact]
    public async Task A_client_acting_for_itself_is_never_granted_admin()
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var flow = await OAuthFlow.StartAsync(server);
        var (id, secret) = await RegisterAsync(flow, "portico/records.read portico/admin");

        var (status, withOthers) = await flow.TokenAsync($"{id}:{secret}", ("grant_type", "client_credentials"), ("scope", "portico/records.read portico/admin"));
        var alone = await flow.TokenAsync($"{id}:{secret}", ("grant_type", "client_credentials"), ("scope", "portico/admin"));

        Assert.True(status == HttpStatusCode.OK, withOthers.ToJsonString());
        Assert.Equal("portico/records.read", (string?)withOthers["scope"]);
        Assert.Equal("portico/records.read", (string?)Jwt.Part(withOthers["access_token"]!.GetValue<string>(), 1)["scope"]);
        OAuthAssert.Error(alone, HttpStatusCode.BadRequest, "invalid_scope", "a client acting for itself never does");
        Assert.Equal(1, await OAuthAssert.GrantCountAsync(server));
    }

    [Fact]
    public async Task A_confidential_client_not_registered_for_the_grant_is_unauthorized_client()
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var flow = await OAuthFlow.StartAsync(server);
        var (status, registered) = await flow.RegisterAsync(new JsonObject
        {
            ["redirect_uris"] = new JsonArray(OAuthFlow.RedirectUri),
            ["token_endpoint_auth_method"] = "client_secret_basic",
            ["grant_types"] = new JsonArray("authorization_code", "refresh_token"),
        });
        Assert.Equal(HttpStatusCode.Created, status);

        var response = await flow.TokenAsync($"{registered["client_id"]}:{registered["client_secret"]}", ("grant_type", "client_credentials"));

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

        OAuthAssert.Error(response, HttpStatusCode.BadRequest, "invalid_client_metadata", "client_credentials needs a confidential client");
    }

    private static async Task<(string Id, string Secret)> RegisterAsync(OAuthFlow flow, string scope)
    {
        var (status, body) = await flow.RegisterAsync(new JsonObject
        {
            ["client_name"] = "Back end",
            ["token_endpoint_auth_method"] = "client_secret_basic",
            ["grant_types"] = new JsonArray("client_credentials"),
            ["scope"] = scope,
        });
        Assert.True(status == HttpStatusCode.Created, body.ToJsonString());
        return (body["client_id"]!.GetValue<string>(), body["client_secret"]!.GetValue<string>());
    }
}
