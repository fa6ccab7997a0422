using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Cli;

/// <summary>
/// One test per WARN/FAIL the doctor can give that a real Portico does not show: each names the cause and the fix in
/// the seeds' words (000: connection and discovery; 001: /health and /health/vendors; 002: path and handshake, tools
/// missing until restart; 003: header form, key format, scope).
/// </summary>
public sealed class DoctorFaultTests
{
    private static string Url(FakeHttpHost host) => host.Url("/mcp").ToString();

    [Fact]
    public async Task A_host_that_does_not_resolve_fails_dns_with_enotfound()
    {
        var (result, checks) = await DoctorCli.RunAsync("http://mcp.no-such-host.invalid/mcp");

        Assert.Equal(1, result.ExitCode);
        var dns = checks.Check("dns");
        Assert.Equal("FAIL", (string?)dns["status"]);
        Assert.Contains("ENOTFOUND mcp.no-such-host.invalid: DNS resolution failure", (string?)dns["cause"], StringComparison.Ordinal);
        Assert.Contains("firewall, corporate proxy, DNS cache", (string?)dns["fix"], StringComparison.Ordinal);
        Assert.Single(checks);
    }

    [Fact]
    public async Task A_port_nobody_listens_on_fails_tcp_with_connection_refused()
    {
        var port = LoopbackPort.Free();

        var (result, checks) = await DoctorCli.RunAsync(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}/mcp"));

        Assert.Equal(1, result.ExitCode);
        var tcp = checks.Check("tcp");
        Assert.Equal("FAIL", (string?)tcp["status"]);
        Assert.Contains("connection refused", (string?)tcp["detail"], StringComparison.Ordinal);
        Assert.Contains("Nothing listens on that port", (string?)tcp["cause"], StringComparison.Ordinal);
        Assert.Contains("A timeout means networking, not MCP", (string?)tcp["fix"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Https_to_a_plain_http_port_fails_tls()
    {
        await using var server = await new DoctorFakeServer().StartAsync();

        var (result, checks) = await DoctorCli.RunAsync(string.Create(CultureInfo.InvariantCulture, $"https://127.0.0.1:{server.BaseAddress.Port}/mcp"));

        Assert.Equal(1, result.ExitCode);
        var tls = checks.Check("tls");
        Assert.Equal("FAIL", (string?)tls["status"]);
        Assert.Contains("does not speak TLS", (string?)tls["cause"], StringComparison.Ordinal);
        Assert.Contains("use http://", (string?)tls["fix"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_url_where_nothing_answers_mcp_fails_the_path_with_the_mcp_path()
    {
        await using var server = await FakeHttpHost.StartAsync(context =>
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        });

        var (result, checks) = await DoctorCli.RunAsync(server.Url("/api/mcp").ToString());

        Assert.Equal(1, result.ExitCode);
        var path = checks.Check("path");
        Assert.Equal("FAIL", (string?)path["status"]);
        Assert.Contains("HTTP 404", (string?)path["detail"], StringComparison.Ordinal);
        Assert.Contains("Wrong path", (string?)path["cause"], StringComparison.Ordinal);
        Assert.Contains("/mcp", (string?)path["fix"], StringComparison.Ordinal);
        Assert.Contains("no trailing-slash variations", (string?)path["fix"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_initialize_refused_with_a_json_rpc_error_fails_the_handshake()
    {
        var script = new DoctorFakeServer();
        script.Methods["initialize"] = _ => DoctorFakeServer.Error(-32602, "Unsupported protocol version");
        await using var server = await script.StartAsync();

        var (result, checks) = await DoctorCli.RunAsync(Url(server));

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("PASS", checks.Status("path"));
        var initialize = checks.Check("initialize 2025-11-25");
        Assert.Equal("FAIL", (string?)initialize["status"]);
        Assert.Contains("Unsupported protocol version", (string?)initialize["detail"], StringComparison.Ordinal);
        Assert.Contains("handshake failed", (string?)initialize["cause"], StringComparison.Ordinal);
        Assert.Contains("Streamable HTTP", (string?)initialize["fix"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bare_server_warns_on_discover_and_no_tools_and_fails_a_broken_ping_and_health()
    {
        var script = new DoctorFakeServer();
        script.Methods["ping"] = _ => DoctorFakeServer.Error(-32603, "Session not found");
        script.Routes["/health"] = DoctorFakeServer.Json(503, """{"status":"unhealthy"}""");
        script.Routes["/health/vendors"] = DoctorFakeServer.Json(200, """{"vendors":"all fine"}""");
        await using var server = await script.StartAsync();

        var (result, checks) = await DoctorCli.RunAsync(Url(server));

        Assert.Equal(1, result.ExitCode);
        var discover = checks.Check("discover 2026-07-28");
        Assert.Equal("WARN", (string?)discover["status"]);
        Assert.Contains("does not serve the sessionless 2026-07-28 revision", (string?)discover["cause"], StringComparison.Ordinal);
        var tools = checks.Check("tools/list");
        Assert.Equal("WARN", (string?)tools["status"]);
        Assert.Contains("lists only upstreams you have valid credentials for", (string?)tools["cause"], StringComparison.Ordinal);
        Assert.Contains("restart the client", (string?)tools["fix"], StringComparison.Ordinal);
        var call = checks.Check("call");
        Assert.Equal("FAIL", (string?)call["status"]);
        Assert.Contains("Session not found", (string?)call["detail"], StringComparison.Ordinal);
        Assert.Contains("different instances", (string?)call["fix"], StringComparison.Ordinal);
        var health = checks.Check("health");
        Assert.Equal("FAIL", (string?)health["status"]);
        Assert.Contains("status unhealthy", (string?)health["detail"], StringComparison.Ordinal);
        Assert.Contains("Wait 1-2 minutes", (string?)health["fix"], StringComparison.Ordinal);
        Assert.Equal("FAIL", checks.Status("health/vendors"));
    }

    [Fact]
    public async Task A_failing_tools_list_and_a_failing_ping_tool_fail_with_where_to_look()
    {
        var script = new DoctorFakeServer();
        script.Tools["ping"] = new JsonObject { ["isError"] = true, ["message"] = "upstream timed out" };
        await using var server = await script.StartAsync();

        var (result, checks) = await DoctorCli.RunAsync(Url(server));

        Assert.Equal(1, result.ExitCode);
        var call = checks.Check("call");
        Assert.Equal("FAIL", (string?)call["status"]);
        Assert.Contains("upstream timed out", (string?)call["detail"], StringComparison.Ordinal);

        script.Methods["tools/list"] = _ => DoctorFakeServer.Error(-32603, "catalog unavailable");
        (result, checks) = await DoctorCli.RunAsync(Url(server));

        var tools = checks.Check("tools/list");
        Assert.Equal("FAIL", (string?)tools["status"]);
        Assert.Contains("catalog unavailable", (string?)tools["detail"], StringComparison.Ordinal);
        Assert.Contains("/health/vendors", (string?)tools["fix"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Broken_tools_are_a_warning_with_their_hint_and_a_degraded_upstream_a_warning_on_consecutive_failures()
    {
        var script = new DoctorFakeServer();
        script.Tools["list_available_tools"] = new JsonObject
        {
            ["unavailable"] = new JsonArray(new JsonObject
            {
                ["name"] = "docs.search",
                ["reason"] = "CREDENTIALS_REQUIRED",
                ["message"] = "Tool 'docs.search' needs your credentials for upstream 'docs'.",
                ["hint"] = "Save your credentials for 'docs' in the portal.",
            }),
        };
        script.Routes["/health/vendors"] = DoctorFakeServer.Json(200, """[{"name":"docs","status":"degraded","consecutiveFailures":2}]""");
        await using var server = await script.StartAsync();

        var (_, checks) = await DoctorCli.RunAsync(Url(server));

        var unavailable = checks.Check("unavailable-tools");
        Assert.Equal("WARN", (string?)unavailable["status"]);
        Assert.Contains("docs.search", (string?)unavailable["detail"], StringComparison.Ordinal);
        Assert.Contains("needs your credentials", (string?)unavailable["cause"], StringComparison.Ordinal);
        Assert.Contains("Save your credentials", (string?)unavailable["fix"], StringComparison.Ordinal);
        var vendors = checks.Check("health/vendors");
        Assert.Equal("WARN", (string?)vendors["status"]);
        Assert.Contains("after 2 consecutive failed checks", (string?)vendors["cause"], StringComparison.Ordinal);
        Assert.Contains("consecutiveFailures", (string?)vendors["fix"], StringComparison.Ordinal);
    }

    /// <summary>A server that needs a credential, with its 401 challenge, metadata and 403 as the test sets them.</summary>
    private static DoctorFakeServer Protected(string? resourceMetadata, Func<HttpContext, Task>? forbidden = null)
    {
        var script = new DoctorFakeServer();
        script.Routes["/mcp"] = async context =>
        {
            if (context.Request.Headers.Authorization.Count == 0 || forbidden is not null)
            {
                if (forbidden is not null && context.Request.Headers.Authorization.Count > 0)
                {
                    await forbidden(context);
                    return;
                }

                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                if (resourceMetadata is not null)
                {
                    context.Response.Headers.WWWAuthenticate = $"Bearer resource_metadata=\"{resourceMetadata}\"";
                }

                return;
            }

            context.Response.StatusCode = StatusCodes.Status202Accepted;
        };
        return script;
    }

    [Fact]
    public async Task A_403_fails_the_credential_on_scope_or_membership()
    {
        var script = Protected(null, DoctorFakeServer.Json(403, """{"jsonrpc":"2.0","id":null,"error":{"code":-32001,"message":"Key scope 'agents' does not include this endpoint"}}"""));
        await using var server = await script.StartAsync();

        var (result, checks) = await DoctorCli.RunAsync(Url(server), "--token", "ab_live_0123456789abcdef0123");

        Assert.Equal(1, result.ExitCode);
        var challenge = checks.Check("challenge");
        Assert.Equal("WARN", (string?)challenge["status"]);
        Assert.Contains("resource_metadata", (string?)challenge["cause"], StringComparison.Ordinal);
        var credential = checks.Check("credential");
        Assert.Equal("FAIL", (string?)credential["status"]);
        Assert.Contains("does not include this endpoint", (string?)credential["detail"], StringComparison.Ordinal);
        Assert.Contains("scope or membership", (string?)credential["cause"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_cut_in_two_fails_without_being_sent()
    {
        await using var server = await new DoctorFakeServer().StartAsync();

        var (result, checks) = await DoctorCli.RunAsync(Url(server), "--token", "ab_live_0123 456789abcdef");

        Assert.Equal(1, result.ExitCode);
        var credential = checks.Check("credential");
        Assert.Equal("FAIL", (string?)credential["status"]);
        Assert.Contains("cut or wrapped when copied", (string?)credential["cause"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metadata_that_names_another_resource_warns_and_metadata_without_servers_fails()
    {
        var script = Protected("placeholder");
        await using var server = await script.StartAsync();
        var metadata = server.Url("/.well-known/oauth-protected-resource/mcp").ToString();
        script.Routes["/mcp"] = Protected(metadata).Routes["/mcp"];
        script.Routes["/.well-known/oauth-protected-resource/mcp"] = DoctorFakeServer.Json(200, $$"""{"resource":"https://elsewhere.example/mcp","authorization_servers":["{{server.BaseAddress}}"]}""");
        script.Routes["/.well-known/oauth-authorization-server"] = DoctorFakeServer.Json(200, $$"""{"issuer":"{{server.BaseAddress}}","authorization_endpoint":"{{server.BaseAddress}}authorize","token_endpoint":"{{server.BaseAddress}}token","code_challenge_methods_supported":["plain"]}""");

        var (_, checks) = await DoctorCli.RunAsync(Url(server));

        var resource = checks.Check("protected-resource");
        Assert.Equal("WARN", (string?)resource["status"]);
        Assert.Contains("is not this endpoint", (string?)resource["cause"], StringComparison.Ordinal);
        Assert.Contains("forwarded headers", (string?)resource["fix"], StringComparison.Ordinal);
        var issuer = checks.Check("authorization-server");
        Assert.Equal("WARN", (string?)issuer["status"]);
        Assert.Contains("S256", (string?)issuer["cause"], StringComparison.Ordinal);

        script.Routes["/.well-known/oauth-protected-resource/mcp"] = DoctorFakeServer.Json(200, $$"""{"resource":"{{Url(server)}}"}""");
        (_, checks) = await DoctorCli.RunAsync(Url(server));

        resource = checks.Check("protected-resource");
        Assert.Equal("FAIL", (string?)resource["status"]);
        Assert.Contains("'authorization_servers'", (string?)resource["cause"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_authorization_server_without_metadata_fails_naming_where_to_serve_it()
    {
        var script = new DoctorFakeServer();
        await using var server = await script.StartAsync();
        var metadata = server.Url("/.well-known/oauth-protected-resource/mcp").ToString();
        script.Routes["/mcp"] = Protected(metadata).Routes["/mcp"];
        script.Routes["/.well-known/oauth-protected-resource/mcp"] = DoctorFakeServer.Json(200, $$"""{"resource":"{{Url(server)}}","authorization_servers":["{{server.BaseAddress}}"]}""");

        var (_, checks) = await DoctorCli.RunAsync(Url(server));

        Assert.Equal("PASS", checks.Status("protected-resource"));
        var issuer = checks.Check("authorization-server");
        Assert.Equal("FAIL", (string?)issuer["status"]);
        Assert.Contains("cannot find the authorization and token endpoints", (string?)issuer["cause"], StringComparison.Ordinal);
        Assert.Contains("/.well-known/oauth-authorization-server", (string?)issuer["fix"], StringComparison.Ordinal);
    }
}
