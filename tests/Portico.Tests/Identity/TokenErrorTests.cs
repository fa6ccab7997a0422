using System.Net;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Identity;

/// <summary>Every refusal of the token endpoint: the RFC 6749 error, the cause in the description, and nothing issued.</summary>
public sealed class TokenErrorTests
{
    [Fact]
    public async Task Pkce_verifier_mismatch_is_invalid_grant_naming_pkce()
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var flow = await OAuthFlow.StartAsync(server);
        var clientId = await flow.RegisterPublicAsync();
        var code = await flow.GetCodeAsync(clientId);

        var response = await flow.ExchangeAsync(clientId, code, verifier: new string('a', 43));

        OAuthAssert.Error(response, HttpStatusCode.BadRequest, "invalid_grant", "PKCE verification failed");
        Assert.Equal(0, await OAuthAssert.GrantCountAsync(server));
    }

    [Fact]
    public async Task Redirect_uri_mismatch_is_invalid_grant_naming_both_uris()
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var flow = await OAuthFlow.StartAsync(server);
        var clientId = await flow.RegisterPublicAsync();
        var code = await flow.GetCodeAsync(clientId);

        var response = await flow.ExchangeAsync(clientId, code, redirectUri: "http://127.0.0.1:43110/other");

        OAuthAssert.Error(response, HttpStatusCode.BadRequest, "invalid_grant", "redirect_uri mismatch");
        Assert.Equal(0, await OAuthAssert.GrantCountAsync(server));
    }

    [Fact]
    public async Task Code_older_than_60_seconds_is_invalid_grant_expired()
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var flow = await OAuthFlow.StartAsync(server);
        var clientId = await flow.RegisterPublicAsync();
        var code = await flow.GetCodeAsync(clientId);
        server.Clock.Advance(TimeSpan.FromSeconds(61));

        var response = await flow.ExchangeAsync(clientId, code);

        OAuthAssert.Error(response, HttpStatusCode.BadRequest, "invalid_grant", "code expired: codes are valid for 60 seconds");
        Assert.Equal(0, await OAuthAssert.GrantCountAsync(server));
    }

    [Fact]
    public async Task Code_replay_is_invalid_grant_already_used_and_revokes_the_tokens_it_issued()
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var flow = await OAuthFlow.StartAsync(server);
        var clientId = await flow.RegisterPublicAsync();
        var code = await flow.GetCodeAsync(clientId);
        var (_, first) = await flow.ExchangeAsync(clientId, code);

        var replay = await flow.ExchangeAsync(clientId, code);

        OAuthAssert.Error(replay, HttpStatusCode.BadRequest, "invalid_grant", "already used");
        Assert.Equal(1, await OAuthAssert.GrantCountAsync(server));
        var call = await flow.Mcp(first["access_token"]!.GetValue<string>()).PostAsync(McpHttp.Initialize());
        Assert.Equal(HttpStatusCode.Unauthorized, call.Status);
        Assert.Contains("revoked", call.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        var refresh = await flow.TokenAsync(("grant_type", "refresh_token"), ("client_id", clientId), ("refresh_token", first["refresh_token"]!.GetValue<string>()));
        OAuthAssert.Error(refresh, HttpStatusCode.BadRequest, "invalid_grant", "revoked");
    }

    [Fact]
    public async Task Refresh_token_reuse_is_invalid_grant_and_revokes_the_family()
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var flow = await OAuthFlow.StartAsync(server);
        var clientId = await flow.RegisterPublicAsync();
        var tokens = await flow.SignInAsync(clientId);
        var original = tokens["refresh_token"]!.GetValue<string>();
        var (_, rotated) = await flow.TokenAsync(("grant_type", "refresh_token"), ("client_id", clientId), ("refresh_token", original));

        var reuse = await flow.TokenAsync(("grant_type", "refresh_token"), ("client_id", clientId), ("refresh_token", original));

        OAuthAssert.Error(reuse, HttpStatusCode.BadRequest, "invalid_grant", "Refresh token reused");
        var newer = await flow.TokenAsync(("grant_type", "refresh_token"), ("client_id", clientId), ("refresh_token", rotated["refresh_token"]!.GetValue<string>()));
        OAuthAssert.Error(newer, HttpStatusCode.BadRequest, "invalid_grant", "revoked");
        var call = await flow.Mcp(rotated["access_token"]!.GetValue<string>()).PostAsync(McpHttp.Initialize());
        Assert.Equal(HttpStatusCode.Unauthorized, call.Status);
    }

    [Fact]
    public async Task Unknown_scope_is_invalid_scope_with_the_supported_list_and_the_near_miss()
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var flow = await OAuthFlow.StartAsync(server);
        var (id, secret) = await flow.AddServiceClientAsync();

        var response = await flow.TokenAsync($"{id}:{secret}", ("grant_type", "client_credentials"), ("scope", "portico.content.read"));

        OAuthAssert.Error(response, HttpStatusCode.BadRequest, "invalid_scope", "Did you mean 'portico/content.read'?");
        Assert.Contains("portico/records.write", response.Body["error_description"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(0, await OAuthAssert.GrantCountAsync(server));
    }

    [Fact]
    public async Task Wrong_client_secret_is_invalid_client_401_with_basic_challenge()
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var flow = await OAuthFlow.StartAsync(server);
        var (id, _) = await flow.AddServiceClientAsync();

        var response = await flow.TokenAsync($"{id}:wrong", ("grant_type", "client_credentials"));

        OAuthAssert.Error(response, HttpStatusCode.Unauthorized, "invalid_client", "wrong client_secret");
        Assert.Equal(0, await OAuthAssert.GrantCountAsync(server));
    }

    [Fact]
    public async Task Unknown_client_is_invalid_client()
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var flow = await OAuthFlow.StartAsync(server);

        var response = await flow.TokenAsync(("grant_type", "authorization_code"), ("client_id", "pcl_nope"), ("code", "x"));

        OAuthAssert.Error(response, HttpStatusCode.Unauthorized, "invalid_client", "Unknown client 'pcl_nope'");
    }

    [Fact]
    public async Task Password_grant_is_unsupported_grant_type()
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var flow = await OAuthFlow.StartAsync(server);
        var clientId = await flow.RegisterPublicAsync();

        var response = await flow.TokenAsync(("grant_type", "password"), ("client_id", clientId), ("username", "u"), ("password", "p"));

        OAuthAssert.Error(response, HttpStatusCode.BadRequest, "unsupported_grant_type", "grant_type 'password' is not supported");
        Assert.Equal(0, await OAuthAssert.GrantCountAsync(server));
    }

    [Fact]
    public async Task Client_credentials_for_a_public_client_is_unauthorized_client()
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var flow = await OAuthFlow.StartAsync(server);
        var clientId = await flow.RegisterPublicAsync();

        var response = await flow.TokenAsync(("grant_type", "client_credentials"), ("client_id", clientId));

        OAuthAssert.Error(response, HttpStatusCode.BadRequest, "unauthorized_client", "confidential");
        Assert.Equal(0, await OAuthAssert.GrantCountAsync(server));
    }
}
