using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portico.Access;
using Portico.Gateway;
using Portico.Storage;
using Portico.Tests.Gateway;
using Portico.Tests.Identity;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Security;

/// <summary>
/// Server-side requests to URLs Portico was given (SSRF). An upstream's 401 names where its OAuth metadata
/// is, and that metadata names further URLs: none of them may lead into the server's own network (other
/// ports on loopback, cloud metadata at 169.254.169.254, any spelling of 127.0.0.1) unless the operator
/// allowed it, and none may answer with an unbounded body. The upstream's own URL is the operator's
/// choice, under a configuration of its own.
/// </summary>
public sealed class OutboundRequestTests
{
    /// <summary>The gateway with http allowed for discovery, so what refuses a URL below is its address, not its scheme.</summary>
    private static readonly Dictionary<string, string?> HttpDiscovery = new() { ["Portico:Outbound:UpstreamOAuth:AllowHttp"] = "true" };

    [Theory]
    [InlineData("http://127.0.0.1:{port}/internal")]
    [InlineData("http://localhost:{port}/internal")]
    [InlineData("http://[::ffff:127.0.0.1]:{port}/internal")]
    [InlineData("http://[::ffff:7f00:1]:{port}/internal")]
    [InlineData("http://[::127.0.0.1]:{port}/internal")]
    [InlineData("http://[64:ff9b::7f00:1]:{port}/internal")]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://0.0.0.0:{port}/internal")]
    public async Task A_resource_metadata_url_into_the_servers_own_network_is_refused_and_never_fetched(string target)
    {
        await using var internalSite = await ClientMetadataServer.StartAsync();
        await using var upstream = await ClientMetadataServer.StartAsync();
        var internalUrl = target.Replace("{port}", internalSite.BaseAddress.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        Challenge(upstream, internalUrl);
        await using var gateway = await GatewayHarness.StartAsync(configuration: HttpDiscovery);
        await gateway.AddAsync(new { name = "up", url = upstream.Url("/mcp"), credentialMode = "oauth" });

        var refused = await Assert.ThrowsAsync<AccessException>(() => StartSignInAsync(gateway));

        Assert.Contains("is not allowed for upstream OAuth discovery: only public addresses are", refused.Message, StringComparison.Ordinal);
        Assert.Contains("Portico:Outbound:UpstreamOAuth:AllowPrivateNetworks", refused.Message, StringComparison.Ordinal);
        Assert.Empty(internalSite.Fetches);
        if (target.Contains("localhost", StringComparison.Ordinal))
        {
            // The upstream learns that its URL was refused, never what the name resolves to (its own URLs, tried too, aside).
            var said = refused.Message.Replace(upstream.BaseAddress.Authority, "", StringComparison.Ordinal);
            Assert.Contains("'localhost' is not allowed for", said, StringComparison.Ordinal);
            Assert.DoesNotContain("127.0.0.1", said, StringComparison.Ordinal);
            Assert.DoesNotContain("::1", said, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task An_authorization_server_in_the_servers_own_network_is_refused_and_never_fetched()
    {
        await using var internalSite = await ClientMetadataServer.StartAsync();
        await using var upstream = await ClientMetadataServer.StartAsync();
        Challenge(upstream, upstream.Url("/.well-known/oauth-protected-resource/mcp"));
        upstream.ServeJson("/.well-known/oauth-protected-resource/mcp", new JsonObject
        {
            ["resource"] = upstream.Url("/mcp"),
            ["authorization_servers"] = new JsonArray(internalSite.BaseAddress.ToString().TrimEnd('/')),
        });
        await using var gateway = await GatewayHarness.StartAsync(configuration: HttpDiscovery);
        await gateway.AddAsync(new { name = "up", url = upstream.Url("/mcp"), credentialMode = "oauth" });

        var refused = await Assert.ThrowsAsync<AccessException>(() => StartSignInAsync(gateway));

        Assert.Contains("is not allowed", refused.Message, StringComparison.Ordinal);
        Assert.Empty(internalSite.Fetches);
        // The upstream's own origin is as trusted as the upstream: its metadata was read.
        Assert.True(upstream.Fetches.ContainsKey("/.well-known/oauth-protected-resource/mcp"));
    }

    [Fact]
    public async Task Discovery_uses_https_only_unless_configured()
    {
        await using var elsewhere = await ClientMetadataServer.StartAsync();
        await using var upstream = await ClientMetadataServer.StartAsync();
        Challenge(upstream, "http://metadata.example/.well-known/oauth-protected-resource");
        await using var gateway = await GatewayHarness.StartAsync();
        await gateway.AddAsync(new { name = "up", url = upstream.Url("/mcp"), credentialMode = "oauth" });

        var refused = await Assert.ThrowsAsync<AccessException>(() => StartSignInAsync(gateway));

        Assert.Contains("is not allowed for upstream OAuth discovery: https only", refused.Message, StringComparison.Ordinal);
        Assert.Contains("Portico:Outbound:UpstreamOAuth:AllowHttp", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_huge_metadata_document_is_cut_off_at_the_size_limit()
    {
        await using var upstream = await ClientMetadataServer.StartAsync();
        Challenge(upstream, upstream.Url("/huge"));
        upstream.Serve("/huge", async context =>
        {
            // Valid JSON, 256 MB of it, so only a size limit stops it.
            context.Response.ContentType = "application/json";
            var chunk = new string('x', 64 * 1024);
            await context.Response.WriteAsync("{\"resource\":\"", context.RequestAborted);
            try
            {
                for (var i = 0; i < 4096; i++)
                {
                    await context.Response.WriteAsync(chunk, context.RequestAborted);
                }

                await context.Response.WriteAsync("\"}", context.RequestAborted);
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException)
            {
                // Portico hung up.
            }
        });
        await using var gateway = await GatewayHarness.StartAsync();
        await gateway.AddAsync(new { name = "up", url = upstream.Url("/mcp"), credentialMode = "oauth" });

        var refused = await Assert.ThrowsAsync<AccessException>(() => StartSignInAsync(gateway));

        // Said when the first byte past the limit arrives: the rest is never read (how much a server manages to
        // write into socket buffers and a closed connection meanwhile says nothing about Portico, so it is not asserted).
        Assert.Contains("answered with more than 1048576 bytes", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_upstream_url_in_a_private_network_is_refused_at_connect_unless_the_operator_allows_it()
    {
        await using var upstream = await CredentialEchoUpstream.StartAsync();
        var refusing = new Dictionary<string, string?> { ["Portico:Outbound:Upstreams:AllowPrivateNetworks"] = "false" };
        await using (var gateway = await GatewayHarness.StartAsync(configuration: refusing))
        {
            await gateway.AddAsync(new { name = "echo", url = upstream.Url.ToString() });

            var vendor = await gateway.WaitForVendorAsync("echo", v => (int)v["consecutiveFailures"]! > 0, "checked");

            Assert.Contains("is not allowed for upstream connections: only public addresses are", (string?)vendor["lastError"], StringComparison.Ordinal);
            Assert.Contains("Portico:Outbound:Upstreams:AllowedHosts", (string?)vendor["lastError"], StringComparison.Ordinal);
            Assert.Equal(0, upstream.Requests);
        }

        // Listing the one host the operator runs upstreams on lets exactly that through.
        refusing["Portico:Outbound:Upstreams:AllowedHosts:0"] = "127.0.0.1";
        await using var allowed = await GatewayHarness.StartAsync(configuration: refusing);
        await allowed.AddAsync(new { name = "echo", url = upstream.Url.ToString() });
        await allowed.WaitUpAsync("echo");
    }

    /// <summary>The upstream answers every MCP request with a 401 whose challenge names <paramref name="resourceMetadata"/>.</summary>
    private static void Challenge(ClientMetadataServer upstream, string resourceMetadata) => upstream.Serve("/mcp", context =>
    {
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = $"Bearer resource_metadata=\"{resourceMetadata}\"";
        return Task.CompletedTask;
    });

    /// <summary>What opening a connect link does on the server: discovery, registration, the redirect to the upstream's sign-in.</summary>
    private static async Task<string> StartSignInAsync(GatewayHarness gateway)
    {
        await using var scope = gateway.Server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
        var userId = await db.Set<UserRecord>().AsNoTracking().Where(u => u.Email == PorticoTestServer.UserEmail).Select(u => u.Id).SingleAsync();
        return await scope.ServiceProvider.GetRequiredService<UpstreamOAuthClient>().StartAsync("up", userId, gateway.Server.BaseAddress.ToString(), CancellationToken.None);
    }
}
