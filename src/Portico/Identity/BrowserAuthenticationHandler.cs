using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Portico.Access;

namespace Portico.Identity;

/// <summary>
/// The <see cref="AccessPolicies.BrowserScheme"/> scheme: a signed-in browser's session cookie (<see cref="BrowserSessions"/>),
/// looked up in the store on every request, so signing out or an expired session ends it on every instance at once. The
/// person acts as themselves: every area scope, <c>portico/admin</c> only for an administrator; what they may manage is
/// decided by the page's policy (their role in the tenant the page names). The challenge sends the browser to the sign-in
/// page and back.
/// </summary>
internal sealed class BrowserAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> schemeOptions,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    BrowserSessions sessions) : AuthenticationHandler<AuthenticationSchemeOptions>(schemeOptions, loggerFactory, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var user = await sessions.GetUserAsync(Context, Context.RequestAborted);
        if (user is null)
        {
            return AuthenticateResult.NoResult();
        }

        var scopes = new HashSet<string>(Scopes.AllAreaScopes, StringComparer.Ordinal);
        if (user.IsAdmin)
        {
            scopes.Add(Scopes.Admin);
        }

        var principal = new Principal { Id = user.Id, Kind = Principal.BrowserKind, Email = user.Email, Scopes = scopes };
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new PrincipalIdentity(principal, Scheme.Name)), Scheme.Name));
    }

    /// <summary>To the sign-in page, which sends the browser back to the page it asked for (a form post comes back as a GET of its page).</summary>
    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status303SeeOther;
        Response.Headers.Location = LoginPage.Url(Request.PathBase + Request.Path + (HttpMethods.IsGet(Request.Method) ? Request.QueryString : QueryString.Empty));
        return Task.CompletedTask;
    }
}
