using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Portico.Identity;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Identity;

/// <summary>Drives Portico's authorization server over real HTTP as a browser and an OAuth client would.</summary>
internal sealed partial class OAuthFlow : IDisposable
{
    public const string Password = "correct horse battery";
    public const string RedirectUri = "http://127.0.0.1:43110/callback";

    private readonly PorticoTestServer _server;

    public OAuthFlow(PorticoTestServer server)
    {
        _server = server;
        Browser = BrowserCookies.Client(server.BaseAddress);
        Http = new HttpClient { BaseAddress = server.BaseAddress };
    }

    /// <summary>Keeps cookies, follows no redirects.</summary>
    public HttpClient Browser { get; }

    public HttpClient Http { get; }

    public string Verifier { get; } = Secrets.Base64Url(RandomNumberGenerator.GetBytes(32));

    public string Challenge => Secrets.Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(Verifier)));

    public static async Task<OAuthFlow> StartAsync(PorticoTestServer server)
    {
        await using var scope = server.Services.CreateAsyncScope();
        var accounts = scope.ServiceProvider.GetRequiredService<UserAccounts>();
        var users = await accounts.ListAsync(CancellationToken.None);
        if (users.All(u => u.PasswordHash is null || u.Email != PorticoTestServer.UserEmail))
        {
            await accounts.AddAsync(PorticoTestServer.UserEmail, Password, null, CancellationToken.None);
        }

        return new OAuthFlow(server);
    }

    public async Task<(HttpStatusCode Status, JsonObject Body)> RegisterAsync(JsonObject metadata)
    {
        using var response = await Http.PostAsync("/oauth/register", new StringContent(metadata.ToJsonString(), Encoding.UTF8, "application/json"));
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject());
    }

    public async Task<string> RegisterPublicAsync(string redirectUri = RedirectUri)
    {
        var (status, body) = await RegisterAsync(new JsonObject
        {
            ["client_name"] = "Test client",
            ["redirect_uris"] = new JsonArray(redirectUri),
            ["token_endpoint_auth_method"] = "none",
            ["grant_types"] = new JsonArray("authorization_code", "refresh_token"),
        });
        Assert.Equal(HttpStatusCode.Created, status);
        return body["client_id"]!.GetValue<string>();
    }

    /// <summary>A confidential client that registered itself: user-delegated grants only.</summary>
    public async Task<(string Id, string Secret)> RegisterConfidentialAsync(string method = "client_secret_basic")
    {
        var (status, body) = await RegisterAsync(new JsonObject
        {
            ["client_name"] = "Back end",
            ["redirect_uris"] = new JsonArray(RedirectUri),
            ["token_endpoint_auth_method"] = method,
            ["grant_types"] = new JsonArray("authorization_code", "refresh_token"),
        });
        Assert.True(status == HttpStatusCode.Created, body.ToJsonString());
        return (body["client_id"]!.GetValue<string>(), body["client_secret"]!.GetValue<string>());
    }

    /// <summary>The user <see cref="AddServiceClientAsync"/>'s tokens act as: a member of the test tenant.</summary>
    public const string ServiceEmail = "service@portico.test";

    /// <summary>
    /// A client_credentials client as an operator adds it (<c>portico clients add --confidential --service-principal … --tenant … --scopes …</c>):
    /// acting as <see cref="ServiceEmail"/>, bound to the test tenant.
    /// </summary>
    public async Task<(string Id, string Secret)> AddServiceClientAsync(string scope = "portico/records.read portico/records.write")
    {
        await _server.AdminAsync(a => a.AddMemberAsync(_server.TenantId, ServiceEmail, "member", CancellationToken.None));
        return await AddOperatorClientAsync("Back end service", [], ["client_credentials"], scope, ServiceEmail, _server.TenantId, mayIntrospect: false);
    }

    /// <summary>A resource server as an operator adds it with <c>--introspection</c>: may introspect any token, has no grant of its own.</summary>
    public Task<(string Id, string Secret)> AddResourceServerAsync()
        => AddOperatorClientAsync("Resource server", [], [], null, null, null, mayIntrospect: true);

    public async Task<(string Id, string Secret)> AddOperatorClientAsync(string name, string[] redirectUris, string[] grantTypes, string? scope, string? servicePrincipal,
        string? tenantId, bool mayIntrospect, string authMethod = "client_secret_basic")
    {
        await using var di = _server.Services.CreateAsyncScope();
        var services = di.ServiceProvider;
        var admin = new ClientAdmin(services.GetRequiredService<Portico.Storage.PorticoDbContext>(), services.GetRequiredService<GrantTypes>(), services.GetRequiredService<TimeProvider>());
        var (client, secret) = await admin.AddAsync(name, authMethod, redirectUris, grantTypes, scope, servicePrincipal, tenantId, mayIntrospect, CancellationToken.None);
        return (client.Id, secret ?? "");
    }

    public string AuthorizeUrl(string clientId, string? scope = null, string? resource = null, string redirectUri = RedirectUri, string method = "S256", string? challenge = null)
    {
        var query = new List<string>
        {
            "response_type=code",
            $"client_id={Uri.EscapeDataString(clientId)}",
            $"redirect_uri={Uri.EscapeDataString(redirectUri)}",
            $"code_challenge={challenge ?? Challenge}",
            $"code_challenge_method={method}",
            "state=xyz",
        };
        if (scope is not null)
        {
            query.Add($"scope={Uri.EscapeDataString(scope)}");
        }

        if (resource is not null)
        {
            query.Add($"resource={Uri.EscapeDataString(resource)}");
        }

        return "/oauth/authorize?" + string.Join('&', query);
    }

    /// <summary>GET authorize → login form → consent form → approve; returns the redirect Location.</summary>
    public Task<Uri> AuthorizeAsync(string clientId, string? scope = null, string? resource = null, string redirectUri = RedirectUri)
        => ApproveAsync(AuthorizeUrl(clientId, scope, resource, redirectUri));

    /// <summary>Signs in and approves on the pages of an authorization URL a client built (relative or absolute); returns the redirect Location.</summary>
    /// <param name="signIn">False when the browser is signed in already (a second authorization): the consent page comes first.</param>
    public async Task<Uri> ApproveAsync(string authorizeUrl, bool signIn = true)
    {
        var consent = signIn ? await SignInToConsentAsync(authorizeUrl) : await Browser.GetStringAsync(authorizeUrl);
        Assert.Contains("id=\"approve\"", consent, StringComparison.Ordinal);
        var approve = HiddenFields(consent);
        approve["action"] = "approve";
        using var redirect = await Browser.PostAsync("/oauth/authorize", new FormUrlEncodedContent(approve));
        Assert.Equal(HttpStatusCode.SeeOther, redirect.StatusCode);
        return redirect.Headers.Location!;
    }

    /// <summary>GET authorize → login form → sign in; returns the consent page.</summary>
    public async Task<string> SignInToConsentAsync(string authorizeUrl)
    {
        using var page = await Browser.GetAsync(authorizeUrl);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var login = await page.Content.ReadAsStringAsync();
        Assert.Contains("name=\"password\"", login, StringComparison.Ordinal);
        var form = HiddenFields(login);
        form["action"] = "login";
        form["email"] = PorticoTestServer.UserEmail;
        form["password"] = Password;
        using var consentPage = await Browser.PostAsync("/oauth/authorize", new FormUrlEncodedContent(form));
        var consent = await consentPage.Content.ReadAsStringAsync();
        Assert.True(consentPage.StatusCode == HttpStatusCode.OK, consent);
        return consent;
    }

    public async Task<string> GetCodeAsync(string clientId, string? scope = null, string? resource = null)
    {
        var location = await AuthorizeAsync(clientId, scope, resource);
        return Query(location)["code"];
    }

    public Task<(HttpStatusCode Status, JsonObject Body)> TokenAsync(params (string Name, string Value)[] form) => TokenAsync(null, form);

    public async Task<(HttpStatusCode Status, JsonObject Body)> TokenAsync(string? basic, params (string Name, string Value)[] form)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/oauth/token")
        {
            Content = new FormUrlEncodedContent(form.Select(f => new KeyValuePair<string, string>(f.Name, f.Value))),
        };
        if (basic is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(basic)));
        }

        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.StartsWith("application/json", response.Content.Headers.ContentType?.MediaType ?? "", StringComparison.Ordinal);
        return (response.StatusCode, JsonNode.Parse(text)!.AsObject());
    }

    public Task<(HttpStatusCode Status, JsonObject Body)> ExchangeAsync(string clientId, string code, string? verifier = null, string redirectUri = RedirectUri)
        => TokenAsync(("grant_type", "authorization_code"), ("client_id", clientId), ("code", code), ("code_verifier", verifier ?? Verifier), ("redirect_uri", redirectUri));

    /// <summary>A complete sign-in: the token response.</summary>
    public async Task<JsonObject> SignInAsync(string clientId, string? scope = null, string? resource = null)
    {
        var code = await GetCodeAsync(clientId, scope, resource);
        var (status, body) = await ExchangeAsync(clientId, code);
        Assert.True(status == HttpStatusCode.OK, body.ToJsonString());
        return body;
    }

    public async Task<string> RegisterDeviceClientAsync()
    {
        var (status, body) = await RegisterAsync(new JsonObject
        {
            ["client_name"] = "TV app",
            ["token_endpoint_auth_method"] = "none",
            ["grant_types"] = new JsonArray(DeviceFlow.GrantType, "refresh_token"),
        });
        Assert.True(status == HttpStatusCode.Created, body.ToJsonString());
        return body["client_id"]!.GetValue<string>();
    }

    public async Task<(HttpStatusCode Status, JsonObject Body)> DeviceAuthorizationAsync(params (string Name, string Value)[] form)
    {
        using var response = await Http.PostAsync(DeviceFlow.AuthorizationPath, new FormUrlEncodedContent(form.Select(f => new KeyValuePair<string, string>(f.Name, f.Value))));
        Assert.StartsWith("application/json", response.Content.Headers.ContentType?.MediaType ?? "", StringComparison.Ordinal);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject());
    }

    public Task<(HttpStatusCode Status, JsonObject Body)> PollDeviceAsync(string clientId, string deviceCode)
        => TokenAsync(("grant_type", DeviceFlow.GrantType), ("client_id", clientId), ("device_code", deviceCode));

    /// <summary>
    /// The user's side of a device flow in the browser: open <paramref name="verificationUri"/> (with the code filled in),
    /// sign in if asked, then allow or deny on the consent form. Returns the consent page and the final page.
    /// </summary>
    public async Task<(string Consent, string Done)> AnswerDeviceAsync(string verificationUri, bool approve = true)
    {
        using var page = await Browser.GetAsync(new Uri(verificationUri).PathAndQuery);
        var html = await page.Content.ReadAsStringAsync();
        Assert.True(page.StatusCode == HttpStatusCode.OK, html);
        if (html.Contains("name=\"password\"", StringComparison.Ordinal))
        {
            var login = HiddenFields(html);
            login["action"] = "login";
            login["email"] = PorticoTestServer.UserEmail;
            login["password"] = Password;
            using var signedIn = await Browser.PostAsync(DeviceFlow.VerificationPath, new FormUrlEncodedContent(login));
            html = await signedIn.Content.ReadAsStringAsync();
        }

        Assert.Contains("id=\"approve\"", html, StringComparison.Ordinal);
        var answer = HiddenFields(html);
        answer["action"] = approve ? "approve" : "deny";
        using var done = await Browser.PostAsync(DeviceFlow.VerificationPath, new FormUrlEncodedContent(answer));
        var doneHtml = await done.Content.ReadAsStringAsync();
        Assert.True(done.StatusCode == HttpStatusCode.OK, doneHtml);
        return (html, doneHtml);
    }

    public McpHttp Mcp(string accessToken, string path = "/mcp")
    {
        var client = new HttpClient { BaseAddress = _server.BaseAddress };
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", $"Bearer {accessToken}");
        return new McpHttp(client, path);
    }

    public static Dictionary<string, string> Query(Uri location)
        => location.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => Uri.UnescapeDataString(p.Length > 1 ? p[1] : ""));

    public static Dictionary<string, string> HiddenFields(string html)
        => HiddenInput().Matches(html).ToDictionary(m => WebUtility.HtmlDecode(m.Groups[1].Value), m => WebUtility.HtmlDecode(m.Groups[2].Value));

    public void Dispose()
    {
        Browser.Dispose();
        Http.Dispose();
    }

    [GeneratedRegex("<input type=\"hidden\" name=\"([^\"]*)\" value=\"([^\"]*)\">")]
    private static partial Regex HiddenInput();
}
