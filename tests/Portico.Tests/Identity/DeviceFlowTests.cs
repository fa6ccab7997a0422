using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portico.Identity;
using Portico.Storage;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Identity;

/// <summary>The Device Authorization Grant (RFC 8628) over real HTTP, with the server's clock moved by hand.</summary>
public sealed partial class DeviceFlowTests
{
    [Fact]
    public async Task Device_flow_end_to_end_with_pending_slow_down_approval_single_redemption_and_expiry()
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var flow = await OAuthFlow.StartAsync(server);
        var clientId = await flow.RegisterDeviceClientAsync();

        var (status, started) = await flow.DeviceAuthorizationAsync(("client_id", clientId), ("scope", "portico/records.read portico/records.write"));

        Assert.True(status == HttpStatusCode.OK, started.ToJsonString());
        var deviceCode = started["device_code"]!.GetValue<string>();
        var userCode = started["user_code"]!.GetValue<string>();
        Assert.Matches(UserCodeShape(), userCode);
        Assert.Equal($"{server.BaseAddress.ToString().TrimEnd('/')}/oauth/device", started["verification_uri"]!.GetValue<string>());
        Assert.Equal($"{server.BaseAddress.ToString().TrimEnd('/')}/oauth/device?user_code={userCode}", started["verification_uri_complete"]!.GetValue<string>());
        Assert.Equal(600, started["expires_in"]!.GetValue<int>());
        Assert.Equal(5, started["interval"]!.GetValue<int>());

        OAuthAssert.Error(await flow.PollDeviceAsync(clientId, deviceCode), HttpStatusCode.BadRequest, "authorization_pending", "not approved yet");
        server.Clock.Advance(TimeSpan.FromSeconds(2));
        OAuthAssert.Error(await flow.PollDeviceAsync(clientId, deviceCode), HttpStatusCode.BadRequest, "slow_down", "interval is now 10 seconds");
        server.Clock.Advance(TimeSpan.FromSeconds(6));
        OAuthAssert.Error(await flow.PollDeviceAsync(clientId, deviceCode), HttpStatusCode.BadRequest, "slow_down", "interval is now 15 seconds");
        server.Clock.Advance(TimeSpan.FromSeconds(15));
        OAuthAssert.Error(await flow.PollDeviceAsync(clientId, deviceCode), HttpStatusCode.BadRequest, "authorization_pending", "every 15 seconds");

        var (consent, done) = await flow.AnswerDeviceAsync(started["verification_uri_complete"]!.GetValue<string>());
        Assert.Contains("TV app", consent, StringComparison.Ordinal);
        Assert.Contains("portico/records.write", consent, StringComparison.Ordinal);
        Assert.Contains(userCode, consent, StringComparison.Ordinal);
        Assert.Contains("Device connected", done, StringComparison.Ordinal);
        Assert.Equal(0, await OAuthAssert.GrantCountAsync(server));

        server.Clock.Advance(TimeSpan.FromSeconds(15));
        var (tokenStatus, tokens) = await flow.PollDeviceAsync(clientId, deviceCode);
        Assert.True(tokenStatus == HttpStatusCode.OK, tokens.ToJsonString());
        Assert.Equal("portico/records.read portico/records.write", tokens["scope"]!.GetValue<string>());
        Assert.NotNull(tokens["refresh_token"]);
        var mcp = flow.Mcp(tokens["access_token"]!.GetValue<string>());
        var session = await mcp.InitializeAsync();
        var call = await mcp.CallToolAsync(session, "get-session-context");
        var context = call.Final["result"]!["structuredContent"]!;
        Assert.Equal("oauth", context["credential"]!["kind"]!.GetValue<string>());
        Assert.Equal(["portico/records.read", "portico/records.write"], context["scopes"]!.AsArray().Select(s => s!.GetValue<string>()));

        server.Clock.Advance(TimeSpan.FromSeconds(15));
        OAuthAssert.Error(await flow.PollDeviceAsync(clientId, deviceCode), HttpStatusCode.BadRequest, "invalid_grant", "already redeemed");
        Assert.Equal(1, await OAuthAssert.GrantCountAsync(server));

        var (_, late) = await flow.DeviceAuthorizationAsync(("client_id", clientId));
        server.Clock.Advance(TimeSpan.FromSeconds(601));
        OAuthAssert.Error(await flow.PollDeviceAsync(clientId, late["device_code"]!.GetValue<string>()), HttpStatusCode.BadRequest, "expired_token", "valid for 600 seconds");
        using var expiredPage = await flow.Browser.GetAsync(new Uri(late["verification_uri_complete"]!.GetValue<string>()).PathAndQuery);
        Assert.Equal(HttpStatusCode.BadRequest, expiredPage.StatusCode);
        Assert.Contains("not valid", await expiredPage.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(1, await OAuthAssert.GrantCountAsync(server));

        // The next authorization clears both expired rows (redeemed or not): they belong to no session.
        await flow.DeviceAuthorizationAsync(("client_id", clientId));
        await using var scope = server.Services.CreateAsyncScope();
        Assert.Equal(1, await scope.ServiceProvider.GetRequiredService<PorticoDbContext>().Set<DeviceCodeRecord>().CountAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task User_who_denies_makes_the_poll_answer_access_denied_and_nothing_is_issued()
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var flow = await OAuthFlow.StartAsync(server);
        var clientId = await flow.RegisterDeviceClientAsync();
        var (_, started) = await flow.DeviceAuthorizationAsync(("client_id", clientId));

        var (_, done) = await flow.AnswerDeviceAsync(started["verification_uri_complete"]!.GetValue<string>(), approve: false);
        var poll = await flow.PollDeviceAsync(clientId, started["device_code"]!.GetValue<string>());

        Assert.Contains("Request denied", done, StringComparison.Ordinal);
        OAuthAssert.Error(poll, HttpStatusCode.BadRequest, "access_denied", "denied");
        Assert.Equal(0, await OAuthAssert.GrantCountAsync(server));
    }

    [Fact]
    public async Task Code_typed_on_the_bare_device_page_in_lower_case_without_dash_finds_the_request()
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var flow = await OAuthFlow.StartAsync(server);
        var clientId = await flow.RegisterDeviceClientAsync();
        var (_, started) = await flow.DeviceAuthorizationAsync(("client_id", clientId));
        var userCode = started["user_code"]!.GetValue<string>();

        using var page = await flow.Browser.GetAsync(DeviceFlow.VerificationPath);
        var form = OAuthFlow.HiddenFields(await page.Content.ReadAsStringAsync());
        form["action"] = "code";
        form["user_code"] = userCode.Replace("-", "", StringComparison.Ordinal).ToLowerInvariant();
        using var next = await flow.Browser.PostAsync(DeviceFlow.VerificationPath, new FormUrlEncodedContent(form));
        var html = await next.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        Assert.Contains("name=\"password\"", html, StringComparison.Ordinal);
        Assert.Equal(userCode, OAuthFlow.HiddenFields(html)["user_code"]);
    }

    [Fact]
    public async Task Guessing_user_codes_is_throttled_per_address_until_the_window_slides()
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var flow = await OAuthFlow.StartAsync(server);
        var clientId = await flow.RegisterDeviceClientAsync();
        var (_, started) = await flow.DeviceAuthorizationAsync(("client_id", clientId));
        var userCode = started["user_code"]!.GetValue<string>();

        async Task<(HttpStatusCode Status, string Html, HttpResponseMessage Response)> TypeAsync(string code, string? forwardedFor = null)
        {
            using var page = await flow.Browser.GetAsync(DeviceFlow.VerificationPath);
            var form = OAuthFlow.HiddenFields(await page.Content.ReadAsStringAsync());
            form["action"] = "code";
            form["user_code"] = code;
            using var request = new HttpRequestMessage(HttpMethod.Post, DeviceFlow.VerificationPath) { Content = new FormUrlEncodedContent(form) };
            if (forwardedFor is not null)
            {
                request.Headers.Add("X-Forwarded-For", forwardedFor);
            }

            var response = await flow.Browser.SendAsync(request);
            return (response.StatusCode, await response.Content.ReadAsStringAsync(), response);
        }

        for (var i = 0; i < DeviceCodeGuesses.Limit; i++)
        {
            var (status, html, response) = await TypeAsync($"BCDF-GH{(char)('J' + (i % 2))}{(char)('K' + (i / 2))}");
            response.Dispose();
            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.Contains("That code is not valid", html, StringComparison.Ordinal);
        }

        // Past the limit even the right code is refused (no lookup at all), with when to try again.
        var (blockedStatus, blockedHtml, blocked) = await TypeAsync(userCode);
        using (blocked)
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, blockedStatus);
            Assert.Equal(TimeSpan.FromMinutes(10), blocked.Headers.RetryAfter!.Delta);
            Assert.Contains("Too many wrong codes", blockedHtml, StringComparison.Ordinal);
            Assert.DoesNotContain("name=\"password\"", blockedHtml, StringComparison.Ordinal);
        }

        // Another client behind the same (loopback) reverse proxy has its own budget.
        var (otherStatus, _, other) = await TypeAsync(userCode, forwardedFor: "203.0.113.9");
        using (other)
        {
            Assert.Equal(HttpStatusCode.OK, otherStatus);
        }

        // The window is as long as a code lives, so a blocked guesser never gets back to the codes it was guessing at.
        server.Clock.Advance(DeviceCodeGuesses.Window);
        var (_, fresh) = await flow.DeviceAuthorizationAsync(("client_id", clientId));
        var (status2, html2, after) = await TypeAsync(fresh["user_code"]!.GetValue<string>());
        using (after)
        {
            Assert.Equal(HttpStatusCode.OK, status2);
            Assert.Contains("name=\"password\"", html2, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Device_page_post_without_the_csrf_token_is_refused_and_the_request_stays_pending()
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var flow = await OAuthFlow.StartAsync(server);
        var clientId = await flow.RegisterDeviceClientAsync();
        var (_, started) = await flow.DeviceAuthorizationAsync(("client_id", clientId));
        using (await flow.Browser.GetAsync(new Uri(started["verification_uri_complete"]!.GetValue<string>()).PathAndQuery))
        {
        }

        using var forged = await flow.Browser.PostAsync(DeviceFlow.VerificationPath, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["action"] = "approve",
            ["user_code"] = started["user_code"]!.GetValue<string>(),
        }));

        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
        Assert.Equal("application/json", forged.Content.Headers.ContentType?.MediaType);
        Assert.Contains("CSRF", await forged.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        OAuthAssert.Error(await flow.PollDeviceAsync(clientId, started["device_code"]!.GetValue<string>()), HttpStatusCode.BadRequest, "authorization_pending", "not approved");
    }

    [Fact]
    public async Task Device_authorization_refusals_are_json_oauth_errors()
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var flow = await OAuthFlow.StartAsync(server);
        var codeOnly = await flow.RegisterPublicAsync();
        var device = await flow.RegisterDeviceClientAsync();

        OAuthAssert.Error(await flow.DeviceAuthorizationAsync(("client_id", "pcl_nobody")), HttpStatusCode.Unauthorized, "invalid_client", "Unknown client");
        OAuthAssert.Error(await flow.DeviceAuthorizationAsync(("client_id", codeOnly)), HttpStatusCode.BadRequest, "unauthorized_client", "not registered for the device");
        OAuthAssert.Error(await flow.DeviceAuthorizationAsync(("client_id", DeviceFlow.SessionClientId)), HttpStatusCode.Unauthorized, "invalid_client", "Unknown client");
        OAuthAssert.Error(await flow.DeviceAuthorizationAsync(("client_id", device), ("scope", "portico/records.red")), HttpStatusCode.BadRequest, "invalid_scope",
            "Did you mean 'portico/records.read'");
        OAuthAssert.Error(await flow.PollDeviceAsync(device, "pdc_forged"), HttpStatusCode.BadRequest, "invalid_grant", "not issued by this server");
        OAuthAssert.Error(await flow.TokenAsync(("grant_type", DeviceFlow.GrantType), ("client_id", device)), HttpStatusCode.BadRequest, "invalid_request", "device_code is missing");
    }

    [GeneratedRegex("^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$")]
    private static partial Regex UserCodeShape();
}
