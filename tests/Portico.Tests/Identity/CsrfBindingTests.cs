using System.Net;
using Portico.Identity;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Identity;

/// <summary>
/// The CSRF token of the login, consent and device forms is bound to the browser it was made for (its session, or
/// before sign-in its pre-session cookie): an attacker who mints a token and cookie in their own browser and plants
/// both in the victim's — cookie tossing from a sibling host — is refused, because the victim's session does not match.
/// </summary>
public sealed class CsrfBindingTests
{
    [Fact]
    public async Task A_token_and_cookie_minted_in_browser_a_are_refused_with_browser_b_s_session_on_the_consent_form()
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var flow = await OAuthFlow.StartAsync(server);
        var clientId = await flow.RegisterPublicAsync();
        var url = flow.AuthorizeUrl(clientId);
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = server.BaseAddress };
        var attacker = new Jar();
        var victim = new Jar();
        var attackerConsent = await SignInAsync(http, attacker, url);
        await SignInAsync(http, victim, url);

        // The attacker's own consent form and CSRF cookie, planted in the victim's browser beside the victim's session.
        var planted = new Jar { [BrowserSessions.SessionCookie] = victim[BrowserSessions.SessionCookie], [BrowserSessions.CsrfCookie] = attacker[BrowserSessions.CsrfCookie] };
        using var forged = await PostAsync(http, planted, "/oauth/authorize", new Dictionary<string, string>(OAuthFlow.HiddenFields(attackerConsent)) { ["action"] = "approve" });

        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
        Assert.Contains("CSRF", await forged.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await OAuthAssert.CodeCountAsync(server));
    }

    [Fact]
    public async Task A_login_form_token_minted_in_browser_a_is_refused_in_browser_b_that_is_signed_in()
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var flow = await OAuthFlow.StartAsync(server);
        var clientId = await flow.RegisterPublicAsync();
        var url = flow.AuthorizeUrl(clientId);
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = server.BaseAddress };
        var attacker = new Jar();
        var victim = new Jar();
        using var attackerLogin = await GetAsync(http, attacker, url);
        var attackerForm = OAuthFlow.HiddenFields(await attackerLogin.Content.ReadAsStringAsync());
        await SignInAsync(http, victim, url);

        var planted = new Jar { [BrowserSessions.SessionCookie] = victim[BrowserSessions.SessionCookie], [BrowserSessions.CsrfCookie] = attacker[BrowserSessions.CsrfCookie] };
        using var forged = await PostAsync(http, planted, "/oauth/authorize", new Dictionary<string, string>(attackerForm) { ["action"] = "approve" });

        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
        Assert.Equal(0, await OAuthAssert.CodeCountAsync(server));
    }

    [Fact]
    public async Task A_device_consent_token_of_browser_a_is_refused_with_browser_b_s_session_and_the_code_stays_pending()
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var flow = await OAuthFlow.StartAsync(server);
        var device = await flow.RegisterDeviceClientAsync();
        var (_, started) = await flow.DeviceAuthorizationAsync(("client_id", device));
        var page = new Uri(started["verification_uri_complete"]!.GetValue<string>()).PathAndQuery;
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = server.BaseAddress };
        var attacker = new Jar();
        var victim = new Jar();
        var attackerConsent = await SignInAsync(http, attacker, page, DeviceFlow.VerificationPath);
        await SignInAsync(http, victim, page, DeviceFlow.VerificationPath);

        var planted = new Jar { [BrowserSessions.SessionCookie] = victim[BrowserSessions.SessionCookie], [BrowserSessions.CsrfCookie] = attacker[BrowserSessions.CsrfCookie] };
        using var forged = await PostAsync(http, planted, DeviceFlow.VerificationPath, new Dictionary<string, string>(OAuthFlow.HiddenFields(attackerConsent)) { ["action"] = "approve" });

        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
        OAuthAssert.Error(await flow.PollDeviceAsync(device, started["device_code"]!.GetValue<string>()), HttpStatusCode.BadRequest, "authorization_pending", "not approved");
    }

    [Fact]
    public async Task The_same_browser_posts_its_own_forms_before_and_after_signing_in()
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var flow = await OAuthFlow.StartAsync(server);
        var clientId = await flow.RegisterPublicAsync();
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = server.BaseAddress };
        var browser = new Jar();

        var consent = await SignInAsync(http, browser, flow.AuthorizeUrl(clientId));
        using var approved = await PostAsync(http, browser, "/oauth/authorize", new Dictionary<string, string>(OAuthFlow.HiddenFields(consent)) { ["action"] = "approve" });

        Assert.Equal(HttpStatusCode.SeeOther, approved.StatusCode);
        Assert.Contains("code=", approved.Headers.Location!.ToString(), StringComparison.Ordinal);
    }

    /// <summary>Opens <paramref name="url"/>, signs in on its form (posted to <paramref name="action"/>); returns the consent page.</summary>
    private static async Task<string> SignInAsync(HttpClient http, Jar jar, string url, string action = "/oauth/authorize")
    {
        using var login = await GetAsync(http, jar, url);
        var form = OAuthFlow.HiddenFields(await login.Content.ReadAsStringAsync());
        form["action"] = "login";
        form["email"] = PorticoTestServer.UserEmail;
        form["password"] = OAuthFlow.Password;
        using var consent = await PostAsync(http, jar, action, form);
        var html = await consent.Content.ReadAsStringAsync();
        Assert.True(consent.StatusCode == HttpStatusCode.OK && html.Contains("id=\"approve\"", StringComparison.Ordinal), html);
        return html;
    }

    private static Task<HttpResponseMessage> GetAsync(HttpClient http, Jar jar, string url) => SendAsync(http, jar, new HttpRequestMessage(HttpMethod.Get, url));

    private static Task<HttpResponseMessage> PostAsync(HttpClient http, Jar jar, string path, Dictionary<string, string> form)
        => SendAsync(http, jar, new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(form) });

    private static async Task<HttpResponseMessage> SendAsync(HttpClient http, Jar jar, HttpRequestMessage request)
    {
        using (request)
        {
            if (jar.Count > 0)
            {
                request.Headers.Add("Cookie", string.Join("; ", jar.Select(c => $"{c.Key}={c.Value}")));
            }

            var response = await http.SendAsync(request);
            if (response.Headers.TryGetValues("Set-Cookie", out var cookies))
            {
                foreach (var pair in cookies.Select(c => c.Split(';')[0]))
                {
                    var eq = pair.IndexOf('=', StringComparison.Ordinal);
                    jar[pair[..eq].Trim()] = pair[(eq + 1)..].Trim();
                }
            }

            return response;
        }
    }

    /// <summary>One browser's cookies for the server, by name.</summary>
    private sealed class Jar : Dictionary<string, string>
    {
        public Jar()
            : base(StringComparer.Ordinal)
        {
        }
    }
}
