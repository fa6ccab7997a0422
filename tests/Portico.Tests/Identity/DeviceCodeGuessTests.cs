using System.Net;
using Portico.Identity;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Identity;

/// <summary>
/// The device page's guess throttle (RFC 8628 5.1) as an attacker meets it: a parallel burst gets exactly
/// <see cref="DeviceCodeGuesses.Limit"/> look-ups, and rotating addresses inside one IPv6 /64 (or writing an IPv4
/// address as IPv4-mapped IPv6) buys no new budget.
/// </summary>
public sealed class DeviceCodeGuessTests
{
    [Fact]
    public async Task A_parallel_burst_of_wrong_codes_gets_exactly_the_limit_of_lookups()
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var flow = await OAuthFlow.StartAsync(server);
        var form = await CodeFormAsync(flow);

        var answers = await Task.WhenAll(Enumerable.Range(0, 60).Select(i => TypeAsync(flow, form, WrongCode(i), forwardedFor: null)));

        Assert.Equal(DeviceCodeGuesses.Limit, answers.Count(a => a == HttpStatusCode.BadRequest));
        Assert.Equal(60 - DeviceCodeGuesses.Limit, answers.Count(a => a == HttpStatusCode.TooManyRequests));
    }

    [Theory]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:2:ffff:ffff:ffff:fffe", "2001:db8:1:3::1")]
    [InlineData("203.0.113.7", "::ffff:203.0.113.7", "203.0.113.8")]
    public async Task Addresses_of_one_ipv6_64_or_one_ipv4_address_share_a_budget(string first, string sameBucket, string otherBucket)
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var flow = await OAuthFlow.StartAsync(server);
        var form = await CodeFormAsync(flow);
        for (var i = 0; i < DeviceCodeGuesses.Limit; i++)
        {
            Assert.Equal(HttpStatusCode.BadRequest, await TypeAsync(flow, form, WrongCode(i), first));
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, await TypeAsync(flow, form, WrongCode(20), sameBucket));
        Assert.Equal(HttpStatusCode.BadRequest, await TypeAsync(flow, form, WrongCode(21), otherBucket));
    }

    [Fact]
    public async Task Signing_in_and_approving_a_found_code_costs_one_lookup_not_three()
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var flow = await OAuthFlow.StartAsync(server);
        var clientId = await flow.RegisterDeviceClientAsync();
        var form = await CodeFormAsync(flow);
        for (var i = 0; i < DeviceCodeGuesses.Limit - 1; i++)
        {
            Assert.Equal(HttpStatusCode.BadRequest, await TypeAsync(flow, form, WrongCode(i), forwardedFor: null));
        }

        var (_, started) = await flow.DeviceAuthorizationAsync(("client_id", clientId));
        var (_, done) = await flow.AnswerDeviceAsync(started["verification_uri_complete"]!.GetValue<string>());

        Assert.Contains("Device connected", done, StringComparison.Ordinal);
        // Signed in now: the page's forms are bound to the new session, so the code form is fetched again.
        Assert.Equal(HttpStatusCode.TooManyRequests, await TypeAsync(flow, await CodeFormAsync(flow), WrongCode(30), forwardedFor: null));
    }

    private static string WrongCode(int i) => $"BCDF-{"GHJKLMNPQR"[i % 10]}{"GHJKLMNPQR"[(i / 10) % 10]}XZ";

    private static async Task<Dictionary<string, string>> CodeFormAsync(OAuthFlow flow)
    {
        using var page = await flow.Browser.GetAsync(DeviceFlow.VerificationPath);
        return OAuthFlow.HiddenFields(await page.Content.ReadAsStringAsync());
    }

    private static async Task<HttpStatusCode> TypeAsync(OAuthFlow flow, Dictionary<string, string> hidden, string code, string? forwardedFor)
    {
        var form = new Dictionary<string, string>(hidden) { ["action"] = "code", ["user_code"] = code };
        using var request = new HttpRequestMessage(HttpMethod.Post, DeviceFlow.VerificationPath) { Content = new FormUrlEncodedContent(form) };
        if (forwardedFor is not null)
        {
            request.Headers.Add("X-Forwarded-For", forwardedFor);
        }

        using var response = await flow.Browser.SendAsync(request);
        return response.StatusCode;
    }
}
