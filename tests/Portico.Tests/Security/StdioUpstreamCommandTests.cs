using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol.Protocol;
using Portico.Tests.Gateway;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Security;

/// <summary>
/// A stdio upstream is a command the server runs on its host. A <c>portico/admin</c> key is not a shell
/// there: the admin API refuses commands unless the operator allowed exactly that executable, and a
/// child process never sees the server's own environment.
/// </summary>
public sealed class StdioUpstreamCommandTests
{
    private static readonly string[] ShellArgs = ["-c", "id"];

    [Fact]
    public async Task An_admin_key_cannot_make_the_server_run_a_host_command()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var gateway = await GatewayHarness.StartAsync();
        using var admin = gateway.Server.CreateClient(gateway.AdminKey);
        var marker = Path.Combine(gateway.Server.Directory, "pwned");

        using var inferred = await admin.PostAsJsonAsync("/admin/api/upstreams", new { name = "pwn", command = "sh", args = new[] { "-c", $"touch {marker}" } }, ct);
        using var explicitStdio = await admin.PostAsJsonAsync("/admin/api/upstreams",
            new { name = "pwn2", transport = "stdio", command = UpstreamServers.Node, args = new[] { "-e", "require('fs').writeFileSync(process.argv[1], '')", marker } }, ct);

        foreach (var refused in new[] { inferred, explicitStdio })
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            var body = (await refused.Content.ReadFromJsonAsync<JsonObject>(ct))!;
            Assert.Contains("does not add stdio upstreams", (string?)body["error"], StringComparison.Ordinal);
            Assert.Contains("portico upstreams add", (string?)body["hint"], StringComparison.Ordinal);
            Assert.Contains("Portico:Gateway:AdminApiStdio:Enabled", (string?)body["hint"], StringComparison.Ordinal);
        }

        // Nothing was stored, so no instance ever starts it.
        Assert.Empty((await admin.GetFromJsonAsync<JsonArray>("/admin/api/upstreams", ct))!);
        Assert.Empty(await gateway.VendorsAsync());
        Assert.False(File.Exists(marker));
    }

    [Fact]
    public async Task With_the_setting_on_the_admin_api_starts_only_the_allowed_executables()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var gateway = await GatewayHarness.StartAsync(configuration: new Dictionary<string, string?>
        {
            ["Portico:Gateway:AdminApiStdio:Enabled"] = "true",
            ["Portico:Gateway:AdminApiStdio:AllowedCommands:0"] = UpstreamServers.Node,
        });
        using var admin = gateway.Server.CreateClient(gateway.AdminKey);

        using var shell = await admin.PostAsJsonAsync("/admin/api/upstreams", new { name = "pwn", command = "sh", args = ShellArgs }, ct);
        using var lookalike = await admin.PostAsJsonAsync("/admin/api/upstreams", new { name = "pwn2", command = UpstreamServers.Node + "/../node" }, ct);
        using var allowed = await admin.PostAsJsonAsync("/admin/api/upstreams", new { name = "everything", command = UpstreamServers.Node, args = new[] { UpstreamServers.Everything, "stdio" } }, ct);

        Assert.Equal(HttpStatusCode.Forbidden, shell.StatusCode);
        Assert.Contains("'sh' is not in Portico:Gateway:AdminApiStdio:AllowedCommands", (string?)(await shell.Content.ReadFromJsonAsync<JsonObject>(ct))!["error"], StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, lookalike.StatusCode);
        Assert.Equal(HttpStatusCode.Created, allowed.StatusCode);
        await gateway.WaitUpAsync("everything");
    }

    [Fact]
    public async Task A_stdio_upstream_sees_path_home_and_its_own_variables_but_never_the_servers_environment()
    {
        var ct = TestContext.Current.CancellationToken;
        // As a deployment passes the store's connection string: in the server process's environment.
        var secretName = "Portico__Store__Test" + Guid.NewGuid().ToString("N")[..8];
        var secret = "Host=db;Password=" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(secretName, secret);
        try
        {
            await using var gateway = await GatewayHarness.StartAsync();
            await gateway.AddWithCliAsync("--name", "everything", "--command", UpstreamServers.Node, "--arg", UpstreamServers.Everything, "--arg", "stdio",
                "--env", "UPSTREAM_SETTING=configured-for-it");
            await gateway.WaitUpAsync("everything");
            await using var client = await gateway.ConnectAsync();

            var result = await client.CallToolAsync("everything__get-env", cancellationToken: ct);
            var text = string.Join("\n", result.Content.OfType<TextContentBlock>().Select(b => b.Text));
            var seen = JsonNode.Parse(text[text.IndexOf('{', StringComparison.Ordinal)..])!.AsObject();

            Assert.NotEqual(true, result.IsError);
            Assert.Equal("configured-for-it", (string?)seen["UPSTREAM_SETTING"]);
            Assert.Equal(Environment.GetEnvironmentVariable("PATH"), (string?)seen["PATH"]);
            Assert.False(seen.ContainsKey(secretName), text);
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
            Assert.DoesNotContain(seen, v => v.Key.StartsWith("Portico", StringComparison.OrdinalIgnoreCase) || v.Key.StartsWith("PORTICO_", StringComparison.Ordinal));
        }
        finally
        {
            Environment.SetEnvironmentVariable(secretName, null);
        }
    }
}
