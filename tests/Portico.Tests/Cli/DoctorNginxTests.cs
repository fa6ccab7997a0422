using System.Globalization;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Cli;

/// <summary>
/// <c>portico doctor</c> through a real nginx (seed 001's "Unexpected token '<'"): the proxy's own HTML 502 page when
/// the MCP server behind it is down, and a site's HTML page served where the OAuth metadata should be.
/// </summary>
public sealed class DoctorNginxTests
{
    [Fact]
    public async Task Nginx_in_front_of_a_downed_backend_fails_the_endpoint_check_with_unexpected_token_and_proxy_pass()
    {
        // Nothing listens on the backend's port: nginx answers every request with its own HTML 502 page.
        var backend = LoopbackPort.Free();
        await using var nginx = await NginxProcess.StartAsync(string.Create(CultureInfo.InvariantCulture, $$"""
            location / {
                proxy_pass http://127.0.0.1:{{backend}};
                proxy_connect_timeout 2s;
            }
            """));

        var (result, checks) = await DoctorCli.RunAsync(nginx.Url("/mcp").ToString(), "--token", "ptk_live_0123456789abcdef_ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("PASS", checks.Status("tcp"));
        var endpoint = checks.Check("endpoint");
        Assert.Equal("FAIL", (string?)endpoint["status"]);
        // Which request saw HTML, with which status, from which server.
        Assert.Contains($"POST {nginx.Url("/mcp")} (initialize) answers HTTP 502 text/html, Server: nginx", (string?)endpoint["detail"], StringComparison.Ordinal);
        Assert.Contains("Unexpected token '<'", (string?)endpoint["cause"], StringComparison.Ordinal);
        Assert.Contains("backend (the MCP server) is down or unreachable", (string?)endpoint["cause"], StringComparison.Ordinal);
        Assert.Contains("Check the upstream service", (string?)endpoint["fix"], StringComparison.Ordinal);
        Assert.Contains("proxy_pass", (string?)endpoint["fix"], StringComparison.Ordinal);
        // Not a wrong path: the path check does not blame the URL.
        Assert.DoesNotContain(checks.OfType<System.Text.Json.Nodes.JsonObject>(), c => (string?)c["name"] == "path");
        var health = checks.Check("health");
        Assert.Equal("FAIL", (string?)health["status"]);
        Assert.Contains("/health answers HTTP 502", (string?)health["detail"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Nginx_serving_a_site_page_at_the_metadata_url_fails_protected_resource_as_html_not_json()
    {
        await using var server = await PorticoTestServer.StartAsync();
        // The MCP endpoint is proxied to Portico, but /.well-known/ falls through to the site's index.html (a
        // single-page app's catch-all), answered with 200.
        await using var nginx = await NginxProcess.StartAsync(string.Create(CultureInfo.InvariantCulture, $$"""
            location /.well-known/ {
                default_type text/html;
                try_files /index.html =404;
            }
            location / {
                proxy_pass http://127.0.0.1:{{server.BaseAddress.Port}};
                proxy_http_version 1.1;
                proxy_set_header Connection "";
                proxy_set_header Host $http_host;
                proxy_buffering off;
            }
            """), new Dictionary<string, string> { ["index.html"] = "<!doctype html><html><head><title>App</title></head><body><div id=\"root\"></div></body></html>" });

        var (result, checks) = await DoctorCli.RunAsync(nginx.Url("/mcp").ToString(), "--token", server.ApiKey);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("PASS", checks.Status("path"));
        Assert.Equal("PASS", checks.Status("challenge"));
        var metadata = checks.Check("protected-resource");
        Assert.Equal("FAIL", (string?)metadata["status"]);
        Assert.Contains("/.well-known/oauth-protected-resource", (string?)metadata["detail"], StringComparison.Ordinal);
        Assert.Contains("answers HTTP 200 text/html, Server: nginx", (string?)metadata["detail"], StringComparison.Ordinal);
        Assert.Contains("metadata is HTML, not JSON", (string?)metadata["detail"], StringComparison.Ordinal);
        Assert.Contains("Unexpected token '<'", (string?)metadata["cause"], StringComparison.Ordinal);
        Assert.Contains("Route /.well-known/oauth-protected-resource", (string?)metadata["fix"], StringComparison.Ordinal);
        // The endpoint itself works through the proxy.
        Assert.Equal("PASS", checks.Status("credential"));
        Assert.Equal("PASS", checks.Status("tools/list"));
    }
}
