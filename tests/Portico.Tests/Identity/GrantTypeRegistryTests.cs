using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Portico.Identity;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Identity;

/// <summary>
/// The grant types are one registry: the token endpoint dispatches only to a registered grant, by its exact name, and
/// the server metadata lists exactly what is registered (a grant added by registration appears and works; nothing else does).
/// </summary>
public sealed class GrantTypeRegistryTests
{
    [Theory]
    [InlineData("URN:IETF:PARAMS:OAUTH:GRANT-TYPE:DEVICE_CODE")]
    [InlineData("urn:ietf:params:oauth:grant-type:device_code ")]
    [InlineData(" authorization_code")]
    [InlineData("Refresh_Token")]
    [InlineData("implicit")]
    public async Task A_grant_type_that_is_not_exactly_a_registered_one_is_unsupported_grant_type(string spelling)
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var flow = await OAuthFlow.StartAsync(server);
        var clientId = await flow.RegisterPublicAsync();

        var response = await flow.TokenAsync(("grant_type", spelling), ("client_id", clientId), ("device_code", "x"), ("code", "x"), ("refresh_token", "x"));

        OAuthAssert.Error(response, HttpStatusCode.BadRequest, "unsupported_grant_type", "is not supported. Supported: authorization_code, refresh_token, client_credentials, urn:ietf:params:oauth:grant-type:device_code");
        Assert.Equal(0, await OAuthAssert.GrantCountAsync(server));
    }

    [Fact]
    public async Task A_repeated_grant_type_is_invalid_request()
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var flow = await OAuthFlow.StartAsync(server);
        var clientId = await flow.RegisterPublicAsync();

        var response = await flow.TokenAsync(("grant_type", "refresh_token"), ("grant_type", "authorization_code"), ("client_id", clientId));

        OAuthAssert.Error(response, HttpStatusCode.BadRequest, "invalid_request", "grant_type is repeated");
    }

    [Fact]
    public async Task A_registered_grant_type_is_advertised_and_dispatched_and_only_registered_ones_are()
    {
        await using var server = await PorticoTestServer.StartAsync(services: s => GrantTypes.Add<EchoGrant>(s));
        using var flow = await OAuthFlow.StartAsync(server);
        using var http = server.CreateClient("");

        var metadata = JsonNode.Parse(await http.GetStringAsync("/.well-known/oauth-authorization-server", TestContext.Current.CancellationToken))!;
        Assert.Equal(
            ["authorization_code", "refresh_token", "client_credentials", "urn:ietf:params:oauth:grant-type:device_code", EchoGrant.GrantName],
            metadata["grant_types_supported"]!.AsArray().Select(g => (string)g!));

        var clientId = await flow.RegisterPublicAsync();
        var response = await flow.TokenAsync(("grant_type", EchoGrant.GrantName), ("client_id", clientId));
        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(clientId, (string?)response.Body["echoed_client"]);
    }

    private sealed class EchoGrant : IGrantType
    {
        public const string GrantName = "urn:portico:test:echo";

        public string Name => GrantName;

        public Task HandleAsync(HttpContext context, IFormCollection form, OAuthClientRecord client)
            => context.Response.WriteAsJsonAsync(new JsonObject { ["echoed_client"] = client.Id });
    }
}
