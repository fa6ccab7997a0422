using System.Net;
using System.Net.Http.Headers;
using Portico.Access;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Access;

/// <summary>
/// A key's <c>ptk_live_</c> / <c>ptk_test_</c> prefix is part of the key: a test key presented as live (or the other way
/// round) is an invalid key, on the MCP endpoint and on the admin API alike, so a key never passes for the other kind.
/// </summary>
public sealed class ApiKeyPrefixTests
{
    [Fact]
    public async Task A_test_key_presented_with_the_live_prefix_and_a_live_key_with_the_test_prefix_are_refused_on_the_mcp_endpoint()
    {
        await using var server = await PorticoTestServer.StartAsync();
        var live = await server.AdminAsync(a => a.CreateKeyAsync(PorticoTestServer.UserEmail, "live", null, Scopes.Parse("all"), null, test: false, CancellationToken.None));
        var liveAsTest = Swap(live.Plaintext);
        var testAsLive = Swap(server.ApiKey);

        using var right = server.CreateClient(live.Plaintext);
        using var wrongLive = server.CreateClient(liveAsTest);
        using var wrongTest = server.CreateClient(testAsLive);
        var ok = await new McpHttp(right).PostAsync(McpHttp.Initialize());
        var refusedLive = await new McpHttp(wrongLive).PostAsync(McpHttp.Initialize());
        var refusedTest = await new McpHttp(wrongTest).PostAsync(McpHttp.Initialize());

        Assert.Equal(HttpStatusCode.OK, ok.Status);
        foreach (var refused in new[] { refusedLive, refusedTest })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.Status);
            Assert.Equal(AuthenticationResult.InvalidKey, (string?)refused.Single["error"]!["message"]);
        }
    }

    [Fact]
    public async Task A_live_admin_key_presented_with_the_test_prefix_is_refused_on_the_admin_api()
    {
        await using var server = await PorticoTestServer.StartAsync();
        var admin = await server.AdminAsync(a => a.CreateKeyAsync(PorticoTestServer.UserEmail, "admin", null, Scopes.Parse("admin"), null, test: false, CancellationToken.None));
        using var http = server.CreateClient(apiKey: null);

        using var right = await AdminApiAsync(http, admin.Plaintext);
        using var swapped = await AdminApiAsync(http, Swap(admin.Plaintext));

        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, swapped.StatusCode);
        Assert.Contains(AuthenticationResult.InvalidKey, await swapped.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static string Swap(string key)
        => key.StartsWith("ptk_live_", StringComparison.Ordinal) ? "ptk_test_" + key["ptk_live_".Length..] : "ptk_live_" + key["ptk_test_".Length..];

    private static async Task<HttpResponseMessage> AdminApiAsync(HttpClient http, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/admin/api/upstreams");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return await http.SendAsync(request);
    }
}
