using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Authentication;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using Portico.Access;
using Portico.Identity;
using Portico.Storage;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Identity;

/// <summary>
/// The official C# SDK client (<see cref="ClientOAuthOptions"/>: dynamic registration, PKCE, state and RFC 9207
/// issuer checks) signs in to Portico on its own, starting from no token, with Portico's real login and consent pages.
/// </summary>
public sealed class SdkOAuthClientTests
{
    [Theory]
    [InlineData(null)]          // the SDK's default: stateless 2026-07-28
    [InlineData("2025-11-25")]  // a session (initialize + Mcp-Session-Id) bound to the OAuth principal
    public async Task Sdk_client_without_a_token_discovers_registers_signs_in_and_calls_tools(string? protocolVersion)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await PorticoTestServer.StartAsync();
        using var flow = await OAuthFlow.StartAsync(server);
        var exchanges = new ConcurrentQueue<string>();
        using var http = new HttpClient(new RecordingHandler(exchanges) { InnerHandler = new HttpClientHandler() });
        var pagesShown = new List<Uri>();

        await using var transport = new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = server.McpEndpoint,
            TransportMode = HttpTransportMode.StreamableHttp,
            OAuth = new ClientOAuthOptions
            {
                RedirectUri = new Uri(OAuthFlow.RedirectUri),
                DynamicClientRegistration = new DynamicClientRegistrationOptions { ClientName = "C# SDK e2e" },
                // The "user" of this test: Portico's login and consent pages driven over HTTP with a cookie jar.
                AuthorizationCallbackHandler = async (context, _) =>
                {
                    pagesShown.Add(context.AuthorizationUri);
                    var location = await flow.ApproveAsync(context.AuthorizationUri.ToString());
                    Assert.StartsWith(context.RedirectUri.ToString(), location.ToString(), StringComparison.Ordinal);
                    var query = OAuthFlow.Query(location);
                    return new AuthorizationResult { Code = query["code"], State = query["state"], Iss = query["iss"] };
                },
            },
        }, http);
        await using var client = await McpClient.CreateAsync(transport, new McpClientOptions { ProtocolVersion = protocolVersion }, cancellationToken: ct);

        var tools = await client.ListToolsAsync(cancellationToken: ct);
        var ping = await client.CallToolAsync("ping", new Dictionary<string, object?> { ["message"] = "signed in" }, cancellationToken: ct);
        var context = await client.CallToolAsync("get-session-context", cancellationToken: ct);

        // The SDK walked the whole flow exactly once: 401, discovery, registration, sign-in, token, then MCP with the token.
        var log = exchanges.ToArray();
        Assert.Equal("POST /mcp 401", log[0]);
        Assert.Contains("GET /.well-known/oauth-protected-resource/mcp 200", log);
        Assert.Contains("GET /.well-known/oauth-authorization-server 200", log);
        Assert.Equal(1, log.Count(e => e == "POST /oauth/register 201"));
        Assert.Equal(1, log.Count(e => e == "POST /oauth/token 200"));
        Assert.DoesNotContain(log.Skip(1), e => e.StartsWith("POST /mcp 4", StringComparison.Ordinal));
        var authorizeUrl = Assert.Single(pagesShown);
        var authorize = OAuthFlow.Query(authorizeUrl);
        Assert.Equal("S256", authorize["code_challenge_method"]);
        Assert.Equal(server.McpEndpoint.ToString(), authorize["resource"]);

        // Portico stored the client the SDK registered, and the MCP calls ran as the signed-in user with an OAuth credential.
        string userId;
        await using (var scope = server.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
            var registered = await db.Set<OAuthClientRecord>().SingleAsync(c => c.Id == authorize["client_id"], ct);
            Assert.Equal("C# SDK e2e", registered.Name);
            userId = (await db.Set<UserRecord>().SingleAsync(u => u.Email == PorticoTestServer.UserEmail, ct)).Id;
        }

        Assert.Contains(tools, t => t.Name == "ping");
        Assert.NotEqual(true, ping.IsError);
        Assert.Equal("signed in", Assert.IsType<TextContentBlock>(Assert.Single(ping.Content)).Text);
        Assert.NotEqual(true, context.IsError);
        var who = JsonSerializer.SerializeToElement(context.StructuredContent);
        Assert.Equal(userId, who.GetProperty("user").GetProperty("id").GetString());
        Assert.Equal("oauth", who.GetProperty("credential").GetProperty("kind").GetString());
    }

    /// <summary>Writes "METHOD path status" for every exchange the SDK makes, so the test can check the order of the flow.</summary>
    private sealed class RecordingHandler(ConcurrentQueue<string> exchanges) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            exchanges.Enqueue($"{request.Method} {request.RequestUri!.AbsolutePath} {(int)response.StatusCode}");
            return response;
        }
    }
}
