using System.Text.Json.Nodes;
using Portico.Access;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Security;

/// <summary>
/// An attacker streams a chunked body of unbounded length (no Content-Length to check) at every
/// endpoint that reads one. The server must stop reading after its ceiling and answer 413 in the
/// endpoint's own error shape while the attacker is still sending — long before 20 MB went out.
/// </summary>
public sealed class RequestBodyLimitTests
{
    private const long Bound = 20 * 1024 * 1024;

    [Fact]
    public async Task An_endless_chunked_client_registration_is_cut_off_with_an_oauth_error()
    {
        await using var server = await PorticoTestServer.StartAsync();

        var result = await ChunkedFlood.SendAsync(server.BaseAddress, "/oauth/register", "application/json", "{\"client_name\":\"");

        AssertCutOff(result);
        var error = JsonNode.Parse(result.Body)!;
        Assert.Equal("invalid_request", (string?)error["error"]);
        Assert.Contains("larger than", (string?)error["error_description"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_endless_chunked_token_form_is_cut_off_with_an_oauth_error()
    {
        await using var server = await PorticoTestServer.StartAsync();

        var result = await ChunkedFlood.SendAsync(server.BaseAddress, "/oauth/token", "application/x-www-form-urlencoded", "grant_type=client_credentials&client_id=", filler: 'a');

        AssertCutOff(result);
        Assert.Equal("invalid_request", (string?)JsonNode.Parse(result.Body)!["error"]);
    }

    [Fact]
    public async Task An_endless_chunked_upstream_definition_is_cut_off_with_an_admin_api_error()
    {
        await using var server = await PorticoTestServer.StartAsync();
        var admin = await server.AdminAsync(a => a.CreateKeyAsync(PorticoTestServer.UserEmail, "admin", null, new HashSet<string> { Scopes.Admin }, null, test: true, CancellationToken.None));

        var result = await ChunkedFlood.SendAsync(server.BaseAddress, "/admin/api/upstreams", "application/json", "{\"name\":\"docs\",\"url\":\"http://127.0.0.1/",
            headers: new Dictionary<string, string> { ["Authorization"] = $"Bearer {admin.Plaintext}" });

        AssertCutOff(result);
        var error = JsonNode.Parse(result.Body)!;
        Assert.Contains("larger than", (string?)error["error"], StringComparison.Ordinal);
        Assert.NotNull((string?)error["hint"]);
    }

    [Fact]
    public async Task An_endless_chunked_mcp_message_is_cut_off_with_a_json_rpc_error()
    {
        await using var server = await PorticoTestServer.StartAsync();

        var result = await ChunkedFlood.SendAsync(server.BaseAddress, "/mcp", "application/json", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"x\":\"",
            headers: McpHeaders(server));

        AssertCutOff(result);
        var error = JsonNode.Parse(result.Body)!;
        Assert.Equal("2.0", (string?)error["jsonrpc"]);
        Assert.Equal(-32600, (int)error["error"]!["code"]!);
    }

    [Fact]
    public async Task The_mcp_endpoint_still_takes_bodies_above_the_server_wide_default_up_to_its_own_limit()
    {
        // 2 MB: above Kestrel's 1 MB default for every request, below Portico:Mcp:MaxRequestBodyBytes (4 MB).
        await using var server = await PorticoTestServer.StartAsync();
        var initialize = McpHttp.Initialize();

        var result = await ChunkedFlood.SendAsync(server.BaseAddress, "/mcp", "application/json", initialize, filler: ' ', headers: McpHeaders(server), stopAfterBytes: 2 * 1024 * 1024);

        Assert.False(result.CutOff, result.Headers + result.Body);
        Assert.Equal(200, result.Status);
        Assert.Contains("protocolVersion", result.Body, StringComparison.Ordinal);
    }

    private static Dictionary<string, string> McpHeaders(PorticoTestServer server) => new()
    {
        ["Authorization"] = $"Bearer {server.ApiKey}",
        ["Accept"] = "application/json, text/event-stream",
    };

    private static void AssertCutOff(ChunkedFlood.Result result)
    {
        Assert.True(result.CutOff, $"the server kept reading: no answer after {result.BytesSent} bytes (then {result.Status}: {result.Body})");
        Assert.True(result.BytesSent < Bound, $"{result.BytesSent} bytes sent before the answer");
        Assert.Equal(413, result.Status);
        Assert.Contains("application/json", result.Headers, StringComparison.OrdinalIgnoreCase);
    }
}
