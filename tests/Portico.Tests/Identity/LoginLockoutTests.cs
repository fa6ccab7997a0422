using System.Net;
using Portico.Identity;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Identity;

/// <summary>
/// The sign-in lockout holds under parallel guessing: each attempt takes its place in the failure count before the
/// password is checked, so a burst of wrong passwords gets exactly <see cref="IdentityOptions.MaxFailedLogins"/>
/// password checks, and then even the right password is refused until the lockout ends.
/// </summary>
public sealed class LoginLockoutTests
{
    private const string Locked = "Too many failed sign-ins";

    [Fact]
    public async Task Many_parallel_wrong_passwords_get_exactly_the_limit_of_password_checks_then_the_right_password_is_refused()
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var flow = await OAuthFlow.StartAsync(server);
        var clientId = await flow.RegisterPublicAsync();
        using var page = await flow.Browser.GetAsync(flow.AuthorizeUrl(clientId));
        var login = OAuthFlow.HiddenFields(await page.Content.ReadAsStringAsync());
        var limit = new IdentityOptions().MaxFailedLogins;

        var attempts = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => SignInAsync(flow, login, $"wrong password {i}")));

        // The limit-th wrong password locks the account and says so; every attempt after it is refused unchecked.
        Assert.All(attempts, a => Assert.Equal(HttpStatusCode.OK, a.Status));
        Assert.Equal(limit - 1, attempts.Count(a => a.Html.Contains(UserAccounts.WrongCredentials, StringComparison.Ordinal)));
        Assert.Equal(40 - (limit - 1), attempts.Count(a => a.Html.Contains(Locked, StringComparison.Ordinal)));
        var right = await SignInAsync(flow, login, OAuthFlow.Password);
        Assert.Contains(Locked, right.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"approve\"", right.Html, StringComparison.Ordinal);

        server.Clock.Advance(new IdentityOptions().LockoutDuration);
        var after = await SignInAsync(flow, login, OAuthFlow.Password);
        Assert.Contains("id=\"approve\"", after.Html, StringComparison.Ordinal);
    }

    private static async Task<(HttpStatusCode Status, string Html)> SignInAsync(OAuthFlow flow, Dictionary<string, string> login, string password)
    {
        var form = new Dictionary<string, string>(login) { ["action"] = "login", ["email"] = PorticoTestServer.UserEmail, ["password"] = password };
        using var response = await flow.Browser.PostAsync("/oauth/authorize", new FormUrlEncodedContent(form));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}
