using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Portico.Access;
using Portico.Storage;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Access;

/// <summary>API key authentication: each failure message, Bearer and raw forms, the key lifecycle on a fake clock.</summary>
public sealed class AuthenticationTests
{
    [Fact]
    public async Task Missing_credentials_get_401_with_discovery_header()
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var client = server.CreateClient(apiKey: null);
        var response = await new McpHttp(client).PostAsync(McpHttp.Initialize());

        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        Assert.Equal(-32001, (int)response.Single["error"]!["code"]!);
        Assert.Equal("Authentication required", (string?)response.Single["error"]!["message"]);
        var challenge = response.Headers.WwwAuthenticate.Single().ToString();
        Assert.Equal($"Bearer resource_metadata=\"{server.BaseAddress}.well-known/oauth-protected-resource/mcp\"", challenge);
    }

    [Theory]
    [InlineData("ptk_live_0123456789abcdef_ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef")] // well-formed, unknown
    [InlineData("ptk_live_123")]                                                // malformed
    [InlineData("not-a-key")]
    public async Task Unknown_or_malformed_key_is_an_invalid_api_key(string key)
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var client = server.CreateClient(key);
        var response = await new McpHttp(client).PostAsync(McpHttp.Initialize());

        AssertRefused(response, "Invalid API key");
        Assert.Contains("ptk_live_<16 hex>_<32 letters or digits>", (string?)response.Single["error"]!["data"]!["hint"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Key_lifecycle_bearer_raw_truncated_revoked_expired()
    {
        await using var server = await PorticoTestServer.StartAsync();
        var expiring = await server.AdminAsync(a => a.CreateKeyAsync(PorticoTestServer.UserEmail, "short", null,
            Scopes.Parse("all"), server.Clock.GetUtcNow().AddHours(1), test: false, CancellationToken.None));
        var revoked = await server.AdminAsync(a => a.CreateKeyAsync(PorticoTestServer.UserEmail, "doomed", null,
            Scopes.Parse("all"), null, test: false, CancellationToken.None));

        using var bearer = server.CreateClient(expiring.Plaintext);
        using var raw = new HttpClient { BaseAddress = server.BaseAddress };
        raw.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", expiring.Plaintext);
        using var truncated = server.CreateClient(expiring.Plaintext[..^3]);
        Assert.Equal(HttpStatusCode.OK, (await new McpHttp(bearer).PostAsync(McpHttp.Initialize())).Status);
        Assert.Equal(HttpStatusCode.OK, (await new McpHttp(raw).PostAsync(McpHttp.Initialize())).Status);
        AssertRefused(await new McpHttp(truncated).PostAsync(McpHttp.Initialize()), "Invalid API key");

        using var doomed = server.CreateClient(revoked.Plaintext);
        var doomedMcp = new McpHttp(doomed);
        var session = await doomedMcp.InitializeAsync();
        await server.AdminAsync(a => a.RevokeKeyAsync(revoked.Record.Id, CancellationToken.None));
        // Revocation takes effect at once on the instance that revoked it, even though the key was cached.
        AssertRefused(await doomedMcp.CallToolAsync(session, "ping"), "API key has been revoked");

        server.Clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));
        AssertRefused(await new McpHttp(bearer).PostAsync(McpHttp.Initialize()), "API key has expired");
    }

    [Fact]
    public async Task After_first_use_a_key_is_validated_without_the_store()
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var client = server.CreateClient();
        var mcp = new McpHttp(client);
        var session = await mcp.InitializeAsync();
        await mcp.CallToolAsync(session, "ping");
        var metrics = server.Services.GetRequiredService<StoreMetrics>();

        var before = metrics.RecentCommands.Count;
        var beforeTotal = metrics.Commands;
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await mcp.CallToolAsync(session, "ping", id: 10 + i)).Status);
        }

        // The request path (key, user, memberships, session) never reads the store again. Background
        // writers are excluded from the count; anything else that slipped in is listed for diagnosis.
        var during = metrics.RecentCommands.Skip(before).ToList();
        Assert.DoesNotContain(during, sql => sql.Contains("api_keys", StringComparison.Ordinal) && sql.Contains("SELECT", StringComparison.Ordinal));
        Assert.DoesNotContain(during, sql => sql.Contains("memberships", StringComparison.Ordinal));
        Assert.DoesNotContain(during, sql => sql.Contains("mcp_sessions", StringComparison.Ordinal));
        Assert.True(metrics.Commands == beforeTotal, "Unexpected store commands during 20 calls:\n" + string.Join("\n", during));
    }

    [Fact]
    public async Task Usage_counters_are_written_in_batches()
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var client = server.CreateClient();
        var mcp = new McpHttp(client);
        var session = await mcp.InitializeAsync();
        for (var i = 0; i < 5; i++)
        {
            await mcp.CallToolAsync(session, "ping", id: 10 + i);
        }

        await server.Services.GetRequiredService<ApiKeyUsage>().FlushAsync(CancellationToken.None);
        var keys = await server.AdminAsync(a => a.ListKeysAsync(null, CancellationToken.None));
        var key = keys.Single(k => server.ApiKey.Contains(k.Id, StringComparison.Ordinal));

        // initialize + initialized + 5 calls
        Assert.Equal(7, key.UseCount);
        Assert.Equal(server.Clock.GetUtcNow(), key.LastUsedAt);
    }

    [Fact]
    public async Task A_session_is_refused_to_another_user()
    {
        await using var server = await PorticoTestServer.StartAsync();
        var other = await server.AdminAsync(a => a.CreateKeyAsync("intruder@portico.test", "x", null, Scopes.Parse("all"), null, test: true, CancellationToken.None));
        using var owner = server.CreateClient();
        var session = await new McpHttp(owner).InitializeAsync();

        using var intruder = server.CreateClient(other.Plaintext);
        var response = await new McpHttp(intruder).CallToolAsync(session, "ping");

        Assert.Equal(HttpStatusCode.Forbidden, response.Status);
        Assert.Contains("belongs to another principal", (string?)response.Single["error"]!["message"], StringComparison.Ordinal);
    }

    private static void AssertRefused(McpHttpResponse response, string message)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        Assert.Equal(-32001, (int)response.Single["error"]!["code"]!);
        Assert.Equal(message, (string?)response.Single["error"]!["message"]);
        Assert.Contains("error=\"invalid_token\"", response.Headers.WwwAuthenticate.Single().ToString(), StringComparison.Ordinal);
    }
}
