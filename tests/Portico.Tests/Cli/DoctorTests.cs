using Microsoft.AspNetCore.Http;
using Portico.Access;
using Portico.Tests.Gateway;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Cli;

/// <summary><c>portico doctor</c> against real servers on loopback: a healthy Portico, and each way seeds 000-003 say a connection goes wrong.</summary>
public sealed class DoctorTests
{
    [Fact]
    public async Task A_healthy_portico_passes_every_check_and_exits_0()
    {
        await using var server = await PorticoTestServer.StartAsync();

        var (result, checks) = await DoctorCli.RunAsync(server.McpEndpoint.ToString(), "--token", server.ApiKey);

        Assert.True(result.ExitCode == 0, checks.Problems());
        Assert.True(checks.Problems().Length == 0, checks.Problems());
        foreach (var name in new[] { "dns", "tcp", "tls", "path", "challenge", "protected-resource", "authorization-server", "credential", "initialize 2025-11-25",
            "discover 2026-07-28", "tools/list", "session-context", "call", "health", "health/vendors" })
        {
            Assert.Equal("PASS", checks.Status(name));
        }

        Assert.False(string.IsNullOrEmpty((string?)result.Json["sessionId"]));
        // Portico's own method answered, not the tool.
        Assert.StartsWith("session/get: tester@portico.test: active group", (string)checks.Check("session-context")["detail"]!, StringComparison.Ordinal);
        Assert.Contains("tier basic", (string)checks.Check("session-context")["detail"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_host_root_fails_the_path_check_and_names_the_mcp_endpoint()
    {
        await using var server = await PorticoTestServer.StartAsync();

        var (result, checks) = await DoctorCli.RunAsync(server.BaseAddress.ToString(), "--token", server.ApiKey);

        Assert.Equal(1, result.ExitCode);
        var path = checks.Check("path");
        Assert.Equal("FAIL", (string?)path["status"]);
        Assert.Contains("Wrong path", (string?)path["cause"], StringComparison.Ordinal);
        Assert.Contains(server.McpEndpoint.ToString(), (string?)path["fix"], StringComparison.Ordinal);
        // The rest of the walk uses the endpoint it found.
        Assert.Equal("PASS", checks.Status("tools/list"));
    }

    [Fact]
    public async Task An_unknown_key_fails_the_credential_check_with_the_servers_reason()
    {
        await using var server = await PorticoTestServer.StartAsync();

        var (result, checks) = await DoctorCli.RunAsync(server.McpEndpoint.ToString(), "--token", "ptk_live_0123456789abcdef_ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef");

        Assert.Equal(1, result.ExitCode);
        var credential = checks.Check("credential");
        Assert.Equal("FAIL", (string?)credential["status"]);
        Assert.Contains("401", (string?)credential["detail"], StringComparison.Ordinal);
        Assert.Contains("portico keys create", (string?)credential["fix"], StringComparison.Ordinal);
        Assert.DoesNotContain(checks.OfType<System.Text.Json.Nodes.JsonObject>(), c => (string?)c["name"] == "tools/list");
    }

    [Fact]
    public async Task An_expired_key_fails_the_credential_check_saying_it_expired()
    {
        await using var server = await PorticoTestServer.StartAsync();
        var key = await server.AdminAsync(a => a.CreateKeyAsync(PorticoTestServer.UserEmail, "short", null, new HashSet<string>(Scopes.AllAreaScopes),
            server.Clock.GetUtcNow().AddHours(1), test: true, CancellationToken.None));
        server.Clock.Advance(TimeSpan.FromHours(2));

        var (result, checks) = await DoctorCli.RunAsync(server.McpEndpoint.ToString(), "--token", key.Plaintext);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("FAIL", checks.Status("credential"));
        Assert.Contains("expired", (string?)checks.Check("credential")["detail"], StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task No_token_against_a_protected_endpoint_fails_and_says_to_send_one()
    {
        await using var server = await PorticoTestServer.StartAsync();

        var (result, checks) = await DoctorCli.RunAsync(server.McpEndpoint.ToString());

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("PASS", checks.Status("challenge"));
        Assert.Contains("didn't send a bearer token", (string?)checks.Check("credential")["cause"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_user_in_two_groups_without_an_active_one_gets_a_warning_with_set_active_group()
    {
        await using var server = await PorticoTestServer.StartAsync();
        var second = await server.AdminAsync(a => a.CreateTenantAsync("Second team", "pro", CancellationToken.None));
        await server.AdminAsync(a => a.AddMemberAsync(second.Id, PorticoTestServer.UserEmail, "member", CancellationToken.None));

        var (result, checks) = await DoctorCli.RunAsync(server.McpEndpoint.ToString(), "--token", server.ApiKey);

        Assert.Equal(0, result.ExitCode);
        var context = checks.Check("session-context");
        Assert.Equal("WARN", (string?)context["status"]);
        Assert.Contains("No active group set", (string?)context["cause"], StringComparison.Ordinal);
        Assert.Contains("set-active-group", (string?)context["fix"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tier_gated_tool_is_a_warning_that_names_the_tier()
    {
        await using var server = await PorticoTestServer.StartAsync(services: s => s.AddGatedTestPack());

        var (result, checks) = await DoctorCli.RunAsync(server.McpEndpoint.ToString(), "--token", server.ApiKey, "--tool", "premium-report");

        Assert.Equal(0, result.ExitCode);
        var tool = checks.Check("tool premium-report");
        Assert.Equal("WARN", (string?)tool["status"]);
        Assert.Contains("requires tier 'pro_plus' (current: 'basic')", (string?)tool["cause"], StringComparison.Ordinal);
        // Hidden by the plan, not broken: the list names it but stays a PASS.
        Assert.Equal("PASS", checks.Status("unavailable-tools"));
        Assert.Contains("requires tier 'pro_plus'", (string?)checks.Check("unavailable-tools")["detail"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tool_that_does_not_exist_fails()
    {
        await using var server = await PorticoTestServer.StartAsync();

        var (result, checks) = await DoctorCli.RunAsync(server.McpEndpoint.ToString(), "--token", server.ApiKey, "--tool", "no-such-tool");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("FAIL", checks.Status("tool no-such-tool"));
    }

    [Fact]
    public async Task A_downed_upstream_fails_health_vendors_with_its_consecutive_failures()
    {
        await using var gateway = await GatewayHarness.StartAsync();
        await gateway.AddAsync(new { name = "docs", url = "http://127.0.0.1:9/mcp" });
        await gateway.WaitForVendorAsync("docs", v => (string?)v["status"] == "down", "down");

        var (result, checks) = await DoctorCli.RunAsync(gateway.Server.McpEndpoint.ToString(), "--token", gateway.AdminKey);

        Assert.Equal(1, result.ExitCode);
        var vendors = checks.Check("health/vendors");
        Assert.Equal("FAIL", (string?)vendors["status"]);
        Assert.Contains("upstream 'docs' is down after", (string?)vendors["cause"], StringComparison.Ordinal);
        Assert.Contains("consecutiveFailures", (string?)vendors["fix"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_proxy_answering_an_html_502_fails_with_unexpected_token()
    {
        await using var proxy = await FakeHttpHost.StartAsync(async context =>
        {
            context.Response.StatusCode = StatusCodes.Status502BadGateway;
            context.Response.ContentType = "text/html";
            await context.Response.WriteAsync("<html><body><h1>502 Bad Gateway</h1></body></html>");
        });

        var (result, checks) = await DoctorCli.RunAsync(proxy.Url("/mcp").ToString(), "--token", "ptk_live_0123456789abcdef_ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef");

        Assert.Equal(1, result.ExitCode);
        var endpoint = checks.Check("endpoint");
        Assert.Equal("FAIL", (string?)endpoint["status"]);
        Assert.Contains("Unexpected token '<'", (string?)endpoint["cause"], StringComparison.Ordinal);
        Assert.Contains("/health", (string?)endpoint["fix"], StringComparison.Ordinal);
        Assert.Equal("FAIL", checks.Status("health"));
    }

    [Fact]
    public async Task The_support_bundle_has_requests_timestamps_and_the_session_but_no_secret()
    {
        await using var server = await PorticoTestServer.StartAsync();
        var bundle = Path.Combine(server.Directory, "doctor-bundle.json");

        var (result, _) = await DoctorCli.RunAsync(server.McpEndpoint.ToString(), "--token", server.ApiKey, "--bundle", bundle);

        Assert.Equal(0, result.ExitCode);
        var text = await File.ReadAllTextAsync(bundle, TestContext.Current.CancellationToken);
        Assert.DoesNotContain(server.ApiKey, text, StringComparison.Ordinal);
        Assert.DoesNotContain(server.ApiKey.Split('_')[^1], text, StringComparison.Ordinal);
        Assert.DoesNotContain("Bearer ptk_", text, StringComparison.Ordinal);
        var json = System.Text.Json.Nodes.JsonNode.Parse(text)!;
        var sessionId = (string?)json["sessionId"];
        Assert.False(string.IsNullOrEmpty(sessionId));
        var exchanges = json["exchanges"]!.AsArray();
        Assert.Contains(exchanges, e => (string?)e!["request"]!["headers"]!["Authorization"] == "[redacted]");
        Assert.Contains(exchanges, e => (string?)e!["response"]!["headers"]?["Mcp-Session-Id"] == sessionId);
        Assert.All(exchanges, e => Assert.True(DateTimeOffset.TryParse((string?)e!["at"], System.Globalization.CultureInfo.InvariantCulture, out _)));
    }

    [Fact]
    public async Task A_non_portico_server_everything_over_streamable_http_passes_without_failures()
    {
        await using var everything = await HttpUpstreamProcess.StartAsync();

        var (result, checks) = await DoctorCli.RunAsync(everything.Url.ToString());

        Assert.True(result.ExitCode == 0, checks.Problems());
        Assert.Equal("SKIP", checks.Status("challenge"));
        Assert.Equal("SKIP", checks.Status("credential"));
        Assert.Equal("PASS", checks.Status("initialize 2025-11-25"));
        Assert.Equal("PASS", checks.Status("tools/list"));
        Assert.Contains("echo", (string?)checks.Check("tools/list")["detail"], StringComparison.Ordinal);
        Assert.Equal("SKIP", checks.Status("session-context"));
        Assert.Equal("PASS", checks.Status("call"));
    }

    [Fact]
    public async Task A_url_that_is_not_http_is_refused_with_a_hint_and_exit_2()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await Portico.Cli.PorticoCommandLine.Create().Parse(["doctor", "mcp.example.com/mcp"])
            .InvokeAsync(new System.CommandLine.InvocationConfiguration { Output = output, Error = error }, TestContext.Current.CancellationToken);

        Assert.Equal(2, exitCode);
        Assert.Contains("error: 'mcp.example.com/mcp' is not an http(s) URL.", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("hint: ", error.ToString(), StringComparison.Ordinal);
    }
}
