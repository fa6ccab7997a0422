using Microsoft.AspNetCore.Antiforgery;

namespace Portico.Identity;

/// <summary>
/// ASP.NET Core's antiforgery service, answered by <see cref="BrowserSessions"/>: the portal's Razor forms
/// (<c>&lt;AntiforgeryToken /&gt;</c>, validated by the antiforgery middleware before a form is bound) carry the same
/// CSRF token, bound to the same browser session, as the sign-in, consent and device forms — one rule for every form.
/// </summary>
internal sealed class BrowserAntiforgery : IAntiforgery
{
    public AntiforgeryTokenSet GetAndStoreTokens(HttpContext httpContext) => GetTokens(httpContext);

    public AntiforgeryTokenSet GetTokens(HttpContext httpContext)
        => new(Sessions(httpContext).Csrf(httpContext), null, BrowserSessions.CsrfField, null);

    public async Task<bool> IsRequestValidAsync(HttpContext httpContext)
    {
        var method = httpContext.Request.Method;
        if (HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method) || HttpMethods.IsTrace(method))
        {
            return true;
        }

        if (!httpContext.Request.HasFormContentType)
        {
            return false;
        }

        var form = await httpContext.Request.ReadFormAsync(httpContext.RequestAborted);
        return Sessions(httpContext).CsrfMatches(httpContext, form);
    }

    public async Task ValidateRequestAsync(HttpContext httpContext)
    {
        if (!await IsRequestValidAsync(httpContext))
        {
            throw new AntiforgeryValidationException("The form's CSRF token is missing or does not match this browser's session: reload the page and submit it again.");
        }
    }

    /// <summary>Nothing to set: <see cref="BrowserSessions.Csrf"/> sets the pre-session cookie when a browser has none.</summary>
    public void SetCookieTokenAndHeader(HttpContext httpContext)
    {
    }

    private static BrowserSessions Sessions(HttpContext httpContext) => httpContext.RequestServices.GetRequiredService<BrowserSessions>();
}
