using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portico.Storage;

namespace Portico.Identity;

/// <summary>
/// The cookie of a signed-in browser on the login, consent and device pages and the gateway's upstream
/// connect pages (<see cref="CookiePaths"/>) — and nowhere else: MCP requests authenticate with tokens only. The cookie is random; the store keeps its SHA-256, so any
/// instance recognises it. CSRF uses a second random cookie echoed in every form (double submit).
/// </summary>
internal sealed class BrowserSessions(PorticoDbContext db, TimeProvider time, IOptions<IdentityOptions> options)
{
    public const string SessionCookie = "portico_session";
    public const string CsrfCookie = "portico_csrf";
    public const string CsrfField = "csrf_token";

    /// <summary>Where the browser sends the cookies: the authorization server's pages and the gateway's connect links and OAuth callback.</summary>
    public static readonly string[] CookiePaths = ["/oauth", "/gateway"];

    public async Task<UserRecord?> GetUserAsync(HttpContext context, CancellationToken cancellationToken)
    {
        if (!context.Request.Cookies.TryGetValue(SessionCookie, out var cookie) || string.IsNullOrEmpty(cookie))
        {
            return null;
        }

        var id = Secrets.HashHex(cookie);
        var now = time.GetUtcNow();
        var session = await db.BrowserSessions.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id && s.ExpiresAt > now, cancellationToken);
        return session is null ? null : await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == session.UserId, cancellationToken);
    }

    public async Task SignInAsync(HttpContext context, string userId, CancellationToken cancellationToken)
    {
        var cookie = Secrets.New("");
        var now = time.GetUtcNow();
        db.BrowserSessions.Add(new BrowserSessionRecord { Id = Secrets.HashHex(cookie), UserId = userId, CreatedAt = now, ExpiresAt = now + options.Value.BrowserSessionLifetime });
        await db.BrowserSessions.Where(s => s.ExpiresAt <= now).ExecuteDeleteAsync(cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        Append(context, SessionCookie, cookie, options.Value.BrowserSessionLifetime);
    }

    /// <summary>The CSRF token for the forms of this page, set as a cookie if the browser has none yet.</summary>
    public static string EnsureCsrf(HttpContext context)
    {
        if (context.Request.Cookies.TryGetValue(CsrfCookie, out var existing) && existing is { Length: >= 32 })
        {
            return existing;
        }

        var token = Secrets.New("");
        Append(context, CsrfCookie, token, null);
        return token;
    }

    public static bool CsrfMatches(HttpContext context, IFormCollection form)
        => context.Request.Cookies.TryGetValue(CsrfCookie, out var cookie) && cookie is { Length: >= 32 }
            && form[CsrfField].ToString() is { Length: >= 32 } field && Secrets.EqualsFixedTime(cookie, field);

    private static void Append(HttpContext context, string name, string value, TimeSpan? lifetime)
    {
        foreach (var path in CookiePaths)
        {
            context.Response.Cookies.Append(name, value, CookieOptions(context, lifetime, path));
        }
    }

    private static CookieOptions CookieOptions(HttpContext context, TimeSpan? lifetime, string path) => new()
    {
        HttpOnly = true,
        Secure = context.Request.IsHttps,
        // Lax, not Strict: the first GET /oauth/authorize arrives by a redirect from the client's site and must see the session.
        SameSite = SameSiteMode.Lax,
        Path = path,
        MaxAge = lifetime,
    };
}
