using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Identity;

/// <summary>
/// A <c>client_id</c> that is a URL (Client ID Metadata Document): Portico fetches the document from a real Kestrel site on
/// loopback (allowed because the test server runs with development's <c>AllowLoopbackHttp</c>), uses it for the consent page
/// and the token endpoint, caches it for its max-age, and refuses each kind of bad document with its own description.
/// </summary>
public sealed class ClientMetadataDocumentTests
{
    private const string Path = "/oauth/client.json";
    private const string Scopes = "portico/content.read";

    private static readonly Dictionary<string, string?> Development = new()
    {
        ["Portico:Identity:ClientMetadata:AllowLoopbackHttp"] = "true",
        ["Portico:Identity:ClientMetadata:Timeout"] = "00:00:01",
    };

    [Fact]
    public async Task Url_client_id_signs_in_under_the_document_name_redeems_and_is_fetched_again_only_after_max_age()
    {
        await using var site = await ClientMetadataServer.StartAsync();
        await using var server = await PorticoTestServer.StartAsync(configuration: Development);
        using var flow = await OAuthFlow.StartAsync(server);
        var clientId = site.Url(Path);
        site.ServeJson(Path, site.Document(Path), "public, max-age=120");

        var discovery = JsonNode.Parse(await flow.Http.GetStringAsync("/.well-known/oauth-authorization-server"))!;
        Assert.True(discovery["client_id_metadata_document_supported"]!.GetValue<bool>());
        using (var login = await flow.Browser.GetAsync(flow.AuthorizeUrl(clientId, Scopes)))
        {
            var html = await login.Content.ReadAsStringAsync();
            Assert.Contains("Sign in to let <strong id=\"client-name\">Doc CLI</strong> <span class=\"unverified\" id=\"unverified\">unverified</span>", html, StringComparison.Ordinal);
            Assert.Contains("described by <code>127.0.0.1</code>, not by your administrator", html, StringComparison.Ordinal);
        }

        var code = OAuthFlow.Query(await flow.AuthorizeAsync(clientId, Scopes))["code"];
        var (status, tokens) = await flow.ExchangeAsync(clientId, code);
        Assert.True(status == HttpStatusCode.OK, tokens.ToJsonString());
        Assert.Equal(Scopes, tokens["scope"]!.GetValue<string>());
        Assert.Equal(1, site.Fetches[Path]);

        // Past max-age the document is fetched again; now it no longer matches its URL, and the token endpoint says so.
        var changed = site.Document(Path);
        changed["client_id"] = site.Url("/elsewhere.json");
        site.ServeJson(Path, changed);
        server.Clock.Advance(TimeSpan.FromSeconds(121));
        OAuthAssert.Error(await flow.TokenAsync(("grant_type", "refresh_token"), ("client_id", clientId), ("refresh_token", tokens["refresh_token"]!.GetValue<string>())),
            HttpStatusCode.Unauthorized, "invalid_client", "does not match the URL it was fetched from");
        Assert.Equal(2, site.Fetches[Path]);
    }

    [Fact]
    public async Task No_store_is_cached_for_the_minimum_minute_and_a_year_long_max_age_for_at_most_a_day()
    {
        await using var site = await ClientMetadataServer.StartAsync();
        await using var server = await PorticoTestServer.StartAsync(configuration: Development);
        using var flow = await OAuthFlow.StartAsync(server);
        site.ServeJson("/no-store.json", site.Document("/no-store.json"), "no-store");
        site.ServeJson("/year.json", site.Document("/year.json"), "max-age=31536000");

        async Task<(int NoStore, int Year)> SignInPagesAsync()
        {
            foreach (var path in new[] { "/no-store.json", "/year.json" })
            {
                using var page = await flow.Browser.GetAsync(flow.AuthorizeUrl(site.Url(path), Scopes));
                Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            }

            return (site.Fetches["/no-store.json"], site.Fetches["/year.json"]);
        }

        Assert.Equal((1, 1), await SignInPagesAsync());
        Assert.Equal((1, 1), await SignInPagesAsync());
        server.Clock.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal((1, 1), await SignInPagesAsync());
        server.Clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal((2, 1), await SignInPagesAsync());
        server.Clock.Advance(TimeSpan.FromHours(24));
        Assert.Equal((3, 2), await SignInPagesAsync());
    }

    [Fact]
    public async Task Redirect_uri_missing_from_the_document_is_refused_without_redirecting()
    {
        await using var site = await ClientMetadataServer.StartAsync();
        await using var server = await PorticoTestServer.StartAsync(configuration: Development);
        using var flow = await OAuthFlow.StartAsync(server);
        site.ServeJson(Path, site.Document(Path));

        var (status, body) = await GetAuthorizeAsync(flow, site.Url(Path), "https://attacker.example/callback");

        OAuthAssert.Error((status, body), HttpStatusCode.BadRequest, "invalid_request", "is not listed in the client's metadata document");
    }

    [Theory]
    [InlineData("mismatch", "does not match the URL it was fetched from")]
    [InlineData("too-large", "is too large: a client metadata document may be at most 5120 bytes")]
    [InlineData("too-large-chunked", "is too large")]
    [InlineData("timeout", "timed out after 1 seconds")]
    [InlineData("redirect", "Redirects are not followed")]
    [InlineData("not-found", "HTTP 404")]
    [InlineData("not-json", "is not JSON")]
    [InlineData("secret", "only 'none' (a public client) is supported")]
    [InlineData("no-redirect-uris", "has no redirect_uris")]
    [InlineData("implicit", "response_types")]
    public async Task Bad_document_is_refused_at_authorize_with_invalid_client_naming_the_problem(string kind, string says)
    {
        await using var site = await ClientMetadataServer.StartAsync();
        await using var server = await PorticoTestServer.StartAsync(configuration: Development);
        using var flow = await OAuthFlow.StartAsync(server);
        var document = site.Document(Path);
        switch (kind)
        {
            case "mismatch":
                document["client_id"] = site.Url("/other.json");
                site.ServeJson(Path, document);
                break;
            case "too-large":
                document["client_uri"] = new string('x', 6000);
                site.ServeJson(Path, document);
                break;
            case "too-large-chunked":
                site.Serve(Path, async context =>
                {
                    for (var i = 0; i < 8; i++)
                    {
                        await context.Response.WriteAsync(new string(' ', 1000));
                        await context.Response.Body.FlushAsync();
                    }
                });
                break;
            case "timeout":
                site.ServeNothing(Path);
                break;
            case "redirect":
                site.ServeJson("/real.json", document);
                site.Serve(Path, context =>
                {
                    context.Response.Redirect("/real.json");
                    return Task.CompletedTask;
                });
                break;
            case "not-found":
                break;
            case "not-json":
                site.Serve(Path, context => context.Response.WriteAsync("<html>client</html>"));
                break;
            case "secret":
                document["token_endpoint_auth_method"] = "client_secret_basic";
                site.ServeJson(Path, document);
                break;
            case "no-redirect-uris":
                document.Remove("redirect_uris");
                site.ServeJson(Path, document);
                break;
            case "implicit":
                document["response_types"] = new JsonArray("token");
                site.ServeJson(Path, document);
                break;
        }

        var response = await GetAuthorizeAsync(flow, site.Url(Path));

        OAuthAssert.Error(response, HttpStatusCode.BadRequest, "invalid_client", says);
        Assert.Contains(site.Url(Path), response.Body["error_description"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Outside_development_http_and_loopback_addresses_are_refused_before_any_fetch()
    {
        await using var site = await ClientMetadataServer.StartAsync();
        await using var server = await PorticoTestServer.StartAsync();
        using var flow = await OAuthFlow.StartAsync(server);
        site.ServeJson(Path, site.Document(Path));

        OAuthAssert.Error(await GetAuthorizeAsync(flow, site.Url(Path)), HttpStatusCode.BadRequest, "invalid_client", "is not https");
        var https = site.Url(Path).Replace("http://", "https://", StringComparison.Ordinal);
        OAuthAssert.Error(await GetAuthorizeAsync(flow, https), HttpStatusCode.BadRequest, "invalid_client", "is not allowed for client metadata documents: only public addresses are");
        // Whoever sent the client_id learns that it was refused, never what the host resolves to.
        var named = await GetAuthorizeAsync(flow, https.Replace("127.0.0.1", "localhost", StringComparison.Ordinal));
        OAuthAssert.Error(named, HttpStatusCode.BadRequest, "invalid_client", "'localhost' is not allowed for client metadata documents");
        Assert.DoesNotContain("127.0.0.1", (string?)named.Body["error_description"], StringComparison.Ordinal);
        Assert.DoesNotContain("::1", (string?)named.Body["error_description"], StringComparison.Ordinal);
        OAuthAssert.Error(await GetAuthorizeAsync(flow, "https://client.example/"), HttpStatusCode.BadRequest, "invalid_client", "must have a path");
        Assert.False(site.Fetches.ContainsKey(Path));
    }

    private static async Task<(HttpStatusCode Status, JsonObject Body)> GetAuthorizeAsync(OAuthFlow flow, string clientId, string redirectUri = OAuthFlow.RedirectUri)
    {
        using var response = await flow.Browser.GetAsync(flow.AuthorizeUrl(clientId, Scopes, redirectUri: redirectUri));
        Assert.Null(response.Headers.Location);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject());
    }
}
