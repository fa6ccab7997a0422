using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Portico.Access;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Health;

/// <summary>
/// <c>/metrics</c> on a real Kestrel: a scraper on this host reads it; anyone else needs a credential with
/// <c>portico/metrics</c>. "Remote" is real: the request comes through a trusted (loopback) proxy's X-Forwarded-For,
/// the way deploy/'s nginx relays a remote client, so the server sees the client's address.
/// </summary>
public sealed class MetricsEndpointTests
{
    private const string RemoteClient = "203.0.113.9";

    [Fact]
    public async Task A_scraper_on_this_host_reads_the_Portico_meter_in_the_Prometheus_format()
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var http = server.CreateClient();
        var mcp = new McpHttp(http);
        var session = await mcp.InitializeAsync();
        await mcp.CallToolAsync(session, "ping", new JsonObject { ["message"] = 42 });
        using var anonymous = server.CreateClient(apiKey: null);

        var body = await Eventually.ReturnsAsync(async () =>
        {
            using var response = await anonymous.GetAsync("/metrics", TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType);
            return await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        }, b => b.Contains("portico_tool_errors_total{", StringComparison.Ordinal), "the tool error in the scrape");
        Assert.Contains("mcp_server_operation_duration_seconds_count{", body);
        Assert.Contains("portico_error_code=\"VALIDATION_FAILED\"", body);
    }

    [Fact]
    public async Task A_remote_client_without_a_credential_gets_the_401_challenge()
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var anonymous = server.CreateClient(apiKey: null);
        using var response = await GetAsync(anonymous, "/metrics", RemoteClient);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.StartsWith("Bearer", response.Headers.WwwAuthenticate.ToString());
        Assert.DoesNotContain("# TYPE", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Turning_the_loopback_allowance_off_asks_even_a_local_scraper_for_a_credential()
    {
        await using var server = await PorticoTestServer.StartAsync(configuration: new Dictionary<string, string?> { ["Portico:Metrics:Loopback"] = "false" });
        using var anonymous = server.CreateClient(apiKey: null);
        using var response = await anonymous.GetAsync("/metrics", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        using var scraper = server.CreateClient(await KeyAsync(server, null, Scopes.Metrics));
        using var allowed = await scraper.GetAsync("/metrics", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
    }

    [Fact]
    public async Task A_key_without_the_metrics_scope_is_refused_with_a_hint_even_another_tenants()
    {
        await using var server = await PorticoTestServer.StartAsync();
        var other = await server.AdminAsync(admin => admin.CreateTenantAsync("Other team", "basic", CancellationToken.None));
        await server.AdminAsync(admin => admin.AddMemberAsync(other.Id, "other@portico.test", "owner", CancellationToken.None));
        var otherTenantKey = (await server.AdminAsync(admin => admin.CreateKeyAsync("other@portico.test", "other", other.Id,
            new HashSet<string>(Scopes.AllAreaScopes), null, test: true, CancellationToken.None))).Plaintext;

        foreach (var key in new[] { server.ApiKey, otherTenantKey })
        {
            using var client = server.CreateClient(key);
            using var response = await GetAsync(client, "/metrics", RemoteClient);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Contains("insufficient_scope", response.Headers.WwwAuthenticate.ToString());
            Assert.Contains(Scopes.Metrics, response.Headers.WwwAuthenticate.ToString());
            var error = JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!;
            Assert.Contains("--scopes metrics", error.ToJsonString());
        }
    }

    [Fact]
    public async Task A_remote_scraper_with_the_metrics_scope_or_an_administrator_reads_it()
    {
        await using var server = await PorticoTestServer.StartAsync();
        foreach (var scope in new[] { Scopes.Metrics, Scopes.Admin })
        {
            using var client = server.CreateClient(await KeyAsync(server, null, scope));
            using var response = await GetAsync(client, "/metrics", RemoteClient);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains("# TYPE", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        }
    }

    [Fact]
    public void The_metrics_scope_is_granted_only_by_name_never_by_all()
    {
        Assert.Equal([Scopes.Metrics], Scopes.Parse("metrics"));
        Assert.Equal([Scopes.Metrics], Scopes.Parse("portico/metrics"));
        Assert.DoesNotContain(Scopes.Metrics, Scopes.Parse("all"));
    }

    [Theory]
    [InlineData("/METRICS")]
    [InlineData("/metrics/")]
    [InlineData("//metrics")]
    [InlineData("/metrics;x")]
    [InlineData("/%6Detrics")]
    [InlineData("/metrics%2F")]
    [InlineData("/Metrics?format=openmetrics")]
    public async Task No_spelling_of_the_path_lets_a_remote_client_read_it(string path)
    {
        await using var server = await PorticoTestServer.StartAsync();
        var (status, body) = await RawGetAsync(server.BaseAddress, "GET", path, RemoteClient);
        Assert.NotEqual(200, status);
        Assert.True(status < 500, $"{path}: {status}");
        Assert.DoesNotContain("# TYPE", body);
    }

    [Fact]
    public async Task A_post_an_oversized_query_and_a_remote_client_never_get_the_scrape()
    {
        await using var server = await PorticoTestServer.StartAsync();
        var scraperKey = await KeyAsync(server, null, Scopes.Metrics);

        var (postStatus, postBody) = await RawGetAsync(server.BaseAddress, "POST", "/metrics", RemoteClient, scraperKey);
        Assert.Equal(405, postStatus);
        Assert.DoesNotContain("# TYPE", postBody);

        var (status, body) = await RawGetAsync(server.BaseAddress, "GET", "/metrics?" + new string('a', 64 * 1024), RemoteClient);
        Assert.NotEqual(200, status);
        Assert.True(status < 500, status.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.DoesNotContain("# TYPE", body);
    }

    private static async Task<string> KeyAsync(PorticoTestServer server, string? tenantId, string scope)
        => (await server.AdminAsync(admin => admin.CreateKeyAsync(PorticoTestServer.UserEmail, "scraper", tenantId, new HashSet<string> { scope }, null, test: true,
            CancellationToken.None))).Plaintext;

    private static Task<HttpResponseMessage> GetAsync(HttpClient client, string path, string forwardedFor)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("X-Forwarded-For", forwardedFor);
        return client.SendAsync(request, TestContext.Current.CancellationToken);
    }

    /// <summary>The request line written byte for byte: an HTTP client would normalize the path.</summary>
    private static async Task<(int Status, string Body)> RawGetAsync(Uri baseAddress, string method, string path, string forwardedFor, string? key = null)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(baseAddress.Host, baseAddress.Port, TestContext.Current.CancellationToken);
        await using var stream = tcp.GetStream();
        var request = new StringBuilder($"{method} {path} HTTP/1.1\r\nHost: {baseAddress.Authority}\r\nX-Forwarded-For: {forwardedFor}\r\nConnection: close\r\n");
        if (key is not null)
        {
            request.Append($"Authorization: Bearer {key}\r\n");
        }

        request.Append(method == "POST" ? "Content-Length: 0\r\n\r\n" : "\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request.ToString()), TestContext.Current.CancellationToken);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var response = await reader.ReadToEndAsync(TestContext.Current.CancellationToken);
        var status = int.Parse(response.Split(' ', 3)[1], System.Globalization.CultureInfo.InvariantCulture);
        return (status, response);
    }
}
