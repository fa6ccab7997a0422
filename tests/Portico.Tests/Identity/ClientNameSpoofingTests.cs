using System.Net;
using System.Text.Json.Nodes;
using Portico.Identity;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Identity;

/// <summary>
/// Consent-page spoofing: a client that names itself cannot take the name of one the operator vouches for (Portico's
/// own, or one added with <c>portico clients add</c>), however it bends case, spacing or letters; and on the sign-in,
/// consent and device pages a self-named client carries an "unverified" marker with where it comes from and goes to.
/// </summary>
public sealed class ClientNameSpoofingTests
{
    private const string OperatorName = "Acme Corp SSO";

    [Theory]
    [InlineData("Acme Corp SSO")]
    [InlineData("acme corp  sso")]
    [InlineData(" ACME-CORP-SSO ")]
    [InlineData("Αcme Corp SSO")] // Greek capital alpha
    [InlineData("Acme Corp SS0")] // zero for O
    [InlineData("Acme\u200bCorp SSO")] // zero-width space
    [InlineData("Acmé Corp ŠSO")]
    [InlineData("Portico MCP session")]
    [InlineData("portico mcp sessiоn")] // Cyrillic o
    [InlineData("PORTlCO")]
    public async Task Registering_under_a_look_alike_of_a_verified_name_is_invalid_client_metadata(string name)
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var flow = await OAuthFlow.StartAsync(server);
        await flow.AddOperatorClientAsync(OperatorName, [OAuthFlow.RedirectUri], ["authorization_code", "refresh_token"], null, null, null, mayIntrospect: false);

        var response = await flow.RegisterAsync(new JsonObject
        {
            ["client_name"] = name,
            ["redirect_uris"] = new JsonArray(OAuthFlow.RedirectUri),
            ["token_endpoint_auth_method"] = "none",
        });

        OAuthAssert.Error(response, HttpStatusCode.BadRequest, "invalid_client_metadata", "is too close to");
    }

    [Fact]
    public async Task A_name_of_its_own_registers_and_is_marked_unverified_on_the_sign_in_and_consent_pages()
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var flow = await OAuthFlow.StartAsync(server);
        await flow.AddOperatorClientAsync(OperatorName, [OAuthFlow.RedirectUri], ["authorization_code", "refresh_token"], null, null, null, mayIntrospect: false);
        var (status, registered) = await flow.RegisterAsync(new JsonObject
        {
            ["client_name"] = "Acme Corp SSO helper",
            ["redirect_uris"] = new JsonArray("https://attacker.example/cb"),
            ["token_endpoint_auth_method"] = "none",
        });
        Assert.True(status == HttpStatusCode.Created, registered.ToJsonString());

        using var login = await flow.Browser.GetAsync(flow.AuthorizeUrl(registered["client_id"]!.GetValue<string>(), redirectUri: "https://attacker.example/cb"));
        var loginHtml = await login.Content.ReadAsStringAsync();
        var consent = await flow.SignInToConsentAsync(flow.AuthorizeUrl(registered["client_id"]!.GetValue<string>(), redirectUri: "https://attacker.example/cb"));

        foreach (var html in new[] { loginHtml, consent })
        {
            Assert.Contains("Acme Corp SSO helper</strong> <span class=\"unverified\" id=\"unverified\">unverified</span>", html, StringComparison.Ordinal);
            Assert.Contains("registered itself, not by your administrator", html, StringComparison.Ordinal);
            Assert.Contains("redirecting to <code>attacker.example</code>", html, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task An_operator_client_is_shown_without_the_marker()
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var flow = await OAuthFlow.StartAsync(server);
        var (id, _) = await flow.AddOperatorClientAsync(OperatorName, [OAuthFlow.RedirectUri], ["authorization_code", "refresh_token"], null, null, null, mayIntrospect: false,
            authMethod: "none");

        var consent = await flow.SignInToConsentAsync(flow.AuthorizeUrl(id));

        Assert.Contains($"<strong id=\"client-name\">{OperatorName}</strong> (redirecting to <code>127.0.0.1:43110</code>)", consent, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"unverified\"", consent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_self_registered_device_client_is_marked_unverified_on_the_device_page()
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var flow = await OAuthFlow.StartAsync(server);
        var device = await flow.RegisterDeviceClientAsync();
        var (_, started) = await flow.DeviceAuthorizationAsync(("client_id", device));

        var (consent, _) = await flow.AnswerDeviceAsync(started["verification_uri_complete"]!.GetValue<string>(), approve: false);

        Assert.Contains("TV app</strong> <span class=\"unverified\" id=\"unverified\">unverified</span> (registered itself, not by your administrator)", consent,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_metadata_document_under_a_verified_name_is_refused()
    {
        await using var site = await ClientMetadataServer.StartAsync();
        await using var server = await PorticoTestServer.StartAsync(configuration: new Dictionary<string, string?> { ["Portico:Identity:ClientMetadata:AllowLoopbackHttp"] = "true" });
        using var flow = await OAuthFlow.StartAsync(server);
        site.ServeJson("/client.json", site.Document("/client.json", name: ClientNames.SessionClientName));

        using var response = await flow.Browser.GetAsync(flow.AuthorizeUrl(site.Url("/client.json")));
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_client", (string?)body["error"]);
        Assert.Contains("is too close to 'Portico MCP session'", (string?)body["error_description"], StringComparison.Ordinal);
    }
}
