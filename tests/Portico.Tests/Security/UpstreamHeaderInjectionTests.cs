using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Portico.Gateway;
using Portico.Storage;
using Portico.Tests.Cli;
using Portico.Tests.Gateway;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Security;

/// <summary>
/// Header values configured for an upstream travel in every request to it: a CR/LF (or another control
/// character) in one would end the header and inject others. They are refused when configured (API and
/// CLI, with a hint) and again when sent.
/// </summary>
public sealed class UpstreamHeaderInjectionTests
{
    [Theory]
    [InlineData("X-Api-Key", "key\r\nX-Injected: yes", "header injection")]
    [InlineData("X-Api-Key", "key\nX-Injected: yes", "header injection")]
    [InlineData("X-Api-Key", "key\u0000rest", "control character")]
    [InlineData("X-Api-Key", "key\u001b[31m", "control character")]
    [InlineData("X Api Key", "value", "not a valid header name")]
    [InlineData("X-Api-Key:\r\nX-Injected", "value", "not a valid header name")]
    [InlineData("Host", "internal.example", "set by Portico's HTTP client")]
    [InlineData("Transfer-Encoding", "chunked", "set by Portico's HTTP client")]
    public async Task The_admin_api_refuses_a_static_header_that_could_inject_or_break_framing(string name, string value, string expected)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var gateway = await GatewayHarness.StartAsync();
        using var admin = gateway.Server.CreateClient(gateway.AdminKey);

        using var response = await admin.PostAsJsonAsync("/admin/api/upstreams",
            new { name = "docs", url = "http://127.0.0.1:9/mcp", headers = new Dictionary<string, string> { [name] = value } }, ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>(ct))!;
        Assert.Contains(expected, (string?)body["error"], StringComparison.Ordinal);
        Assert.Contains("--header", (string?)body["error"], StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty((string?)body["hint"]));
        Assert.DoesNotContain("X-Injected: yes", body.ToJsonString(), StringComparison.Ordinal);
        Assert.Empty((await admin.GetFromJsonAsync<JsonArray>("/admin/api/upstreams", ct))!);
    }

    [Theory]
    [InlineData("X-Key\r\nX-Injected", "{secret}")]
    [InlineData("X-Key", "Token {secret}\r\nX-Injected: yes")]
    [InlineData("X-Key", "Token {secret}\u0001")]
    public async Task The_admin_api_refuses_a_credential_header_or_format_with_control_characters(string header, string format)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var gateway = await GatewayHarness.StartAsync();
        using var admin = gateway.Server.CreateClient(gateway.AdminKey);

        using var response = await admin.PostAsJsonAsync("/admin/api/upstreams",
            new { name = "docs", url = "http://127.0.0.1:9/mcp", credentialMode = "user", credentialHeader = header, credentialFormat = format }, ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("--credential-", (string?)(await response.Content.ReadFromJsonAsync<JsonObject>(ct))!["error"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_cli_refuses_a_header_with_a_line_break()
    {
        using var sandbox = new CliSandbox();

        var added = await sandbox.RunAsync("upstreams", "add", "--name", "docs", "--url", "https://example.com/mcp", "--header", "X-Api-Key: key\nX-Injected: yes");
        var listed = await sandbox.RunAsync("upstreams", "list", "--json");

        Assert.NotEqual(0, added.ExitCode);
        Assert.Contains("header injection", added.Error, StringComparison.Ordinal);
        Assert.Empty(JsonNode.Parse(listed.Output)!.AsArray());
    }

    [Theory]
    [InlineData("key\r\nX-Injected: yes", "header injection")]
    [InlineData("key\u001b[2J", "control character")]
    public async Task A_stored_header_with_a_control_character_is_never_sent(string value, string expected)
    {
        await using var gateway = await GatewayHarness.StartAsync();
        await using var upstream = await CredentialEchoUpstream.StartAsync();
        // A row written before values were checked (or by hand in the store): the check at send time still holds.
        await using (var scope = gateway.Server.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
            var definition = new UpstreamDefinition
            {
                Name = "echo",
                Transport = UpstreamTransport.Http.Name,
                Url = upstream.Url,
                Headers = new Dictionary<string, string> { ["X-Api-Key"] = value },
            };
            db.Set<UpstreamRecord>().Add(definition.ToRecord(gateway.Server.Clock.GetUtcNow()));
            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        }

        var checkedOnce = await gateway.WaitForVendorAsync("echo", v => (int)v["consecutiveFailures"]! > 0, "checked");

        Assert.Contains("refused to send", (string?)checkedOnce["lastError"], StringComparison.Ordinal);
        Assert.Contains(expected, (string?)checkedOnce["lastError"], StringComparison.Ordinal);
        Assert.Equal(0, upstream.Requests);
        Assert.Empty(upstream.ApiKeyHeaders);
    }
}
