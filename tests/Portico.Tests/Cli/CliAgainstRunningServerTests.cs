using System.Net;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Cli;

/// <summary>The CLI and a running server share the store: keys it creates work at once, keys it revokes stop working within the change listener's period.</summary>
public sealed class CliAgainstRunningServerTests
{
    [Fact]
    public async Task Key_created_by_the_cli_authenticates_and_revoking_it_is_refused_within_2_seconds()
    {
        await using var server = await PorticoTestServer.StartAsync();
        var created = await CliSandbox.RunOnStoreAsync(server.Settings.Store,
            "keys", "create", "--user", PorticoTestServer.UserEmail, "--tenant", server.TenantId, "--name", "cli", "--json");
        Assert.Equal(0, created.ExitCode);
        using var client = server.CreateClient((string)created.Json["key"]!);
        var mcp = new McpHttp(client);

        var accepted = await mcp.PostAsync(McpHttp.Initialize());
        Assert.Equal(HttpStatusCode.OK, accepted.Status);

        var revoked = await CliSandbox.RunOnStoreAsync(server.Settings.Store, "keys", "revoke", "--id", (string)created.Json["id"]!);
        Assert.Equal(0, revoked.ExitCode);
        var refused = await Eventually.ReturnsAsync(() => mcp.PostAsync(McpHttp.Initialize()), r => r.Status != HttpStatusCode.OK,
            "the running server to refuse the key revoked through the CLI");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.Status);
        Assert.Equal("API key has been revoked", (string?)refused.Single["error"]!["message"]);
    }
}
