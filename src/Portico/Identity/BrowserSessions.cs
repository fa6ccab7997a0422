using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portico.Access;
using Portico.Storage;

namespace Portico.Identity;

/// <summary>
/// The cookie of a signed-in browser: the login, consent and device pages, the gateway's upstream connect pages and the
/// portal (<see cref="BrowserAuthenticationHandler"/>). Only endpoints whose policy names the browser scheme read it: MCP
/// requests authenticate with tokens only. Both cookies are <c>__Host-</c> cookies (Secure, Path=/, no Domain), so a
/// sibling host cannot set or shadow them. The cookie is random; the store keeps its SHA-256, so any
/// instance recognises it. Every form carries a CSRF token bound to this browser: Data Protection seals the
/// hash of its session cookie (before sign-in: of a random pre-session cookie), and a post is accepted only
/// when the token opens to the cookie the browser sends. A token and cookie minted in another browser and
/// planted in this one (cookie tossing from a sibling host) do not match this browser's session.
/// </summary>
internal sealed class BrowserSessions(PorticoDbContext db, TimeProvider time, IOptions<IdentityOptions> options, IDataProtectionProvider protection)
{
    public const string SessionCookie = "__Host-portico_session";
    public const string CsrfCookie = "__Host-portico_csrf";
    public const string CsrfField = "csrf_token";

    private readonly IDataProtector _csrf = protection.CreateProtector("Portico.Identity.Csrf.v1");

    /// <summary>The session cookie this response sets (a sign-in), which the page's forms are bound to from now on.</summary>
    private string? _issued;

    public async Task<UserRecord?> GetUserAsync(HttpContext context, CancellationToken cancellationToken)
    {
        if (!context.Request.Cookies.TryGetValue(SessionCookie, out var cookie) || string.IsNullOrEmpty(cookie))
        {
            return null;
        }

        var id = Secrets.HashHex(cookie);
        var now = time.GetUtcNow();
        var session = await db.Set<BrowserSessionRecord>().AsNoTracking().FirstOrDefaultAsync(s => s.Id == id && s.ExpiresAt > now, cancellationToken);
        return session is null ? null : await db.Set<UserRecord>().AsNoTracking().FirstOrDefaultAsync(u => u.Id == session.UserId, cancellationToken);
    }

    public async Task SignInAsync(HttpContext context, string userId, CancellationToken cancellationToken)
    {
        var cookie = Secrets.New("");
        var now = time.GetUtcNow();
        db.Set<BrowserSessionRecord>().Add(new BrowserSessionRecord { Id = Secrets.HashHex(cookie), UserId = userId, CreatedAt = now, ExpiresAt = now + options.Value.BrowserSessionLifetime });
        await db.Set<BrowserSessionRecord>().Where(s => s.ExpiresAt <= now).ExecuteDeleteAsync(cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        Append(context, SessionCookie, cookie, options.Value.BrowserSessionLifetime);
        _issued = cookie;
    }

    /// <summary>Ends this browser's session in the store (so no instance accepts the cookie again) and drops the cookie.</summary>
    public async Task SignOutAsync(HttpContext context, CancellationToken cancellationToken)
    {
        if (SessionCookieOf(context) is { } cookie)
        {
            var id = Secrets.HashHex(cookie);
            await db.Set<BrowserSessionRecord>().Where(s => s.Id == id).ExecuteDeleteAsync(cancellationToken);
        }

        context.Response.Cookies.Delete(SessionCookie, CookieOptions(null));
    }

    /// <summary>The CSRF token for the forms of this page, bound to this browser; sets the pre-session cookie if the browser has none yet.</summary>
    public string Csrf(HttpContext context)
    {
        if (!context.Request.Cookies.TryGetValue(CsrfCookie, out var nonce) || nonce is not { Length: >= 32 })
        {
            nonce = Secrets.New("");
            Append(context, CsrfCookie, nonce, null);
        }

        return _csrf.Protect(Binding(_issued ?? SessionCookieOf(context), nonce));
    }

    /// <summary>Whether the form's token was made for the browser that posts it (its session cookie, or without one its pre-session cookie).</summary>
    public bool CsrfMatches(HttpContext context, IFormCollection form)
    {
        var token = form[CsrfField].ToString();
        context.Request.Cookies.TryGetValue(CsrfCookie, out var nonce);
        var session = SessionCookieOf(context);
        if (token.Length == 0 || (session is null && nonce is not { Length: >= 32 }))
        {
            return false;
        }

        try
        {
            return Secrets.EqualsFixedTime(_csrf.Unprotect(token), Binding(session, nonce!));
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    private static string? SessionCookieOf(HttpContext context)
        => context.Request.Cookies.TryGetValue(SessionCookie, out var cookie) && !string.IsNullOrEmpty(cookie) ? cookie : null;

    /// <summary>A hash, so the sealed token never carries a cookie itself.</summary>
    private static string Binding(string? session, string nonce) => session is not null ? "session:" + Secrets.HashHex(session) : "browser:" + Secrets.HashHex(nonce);

    private static void Append(HttpContext context, string name, string value, TimeSpan? lifetime)
        => context.Response.Cookies.Append(name, value, CookieOptions(lifetime));

    /// <summary>
    /// The <c>__Host-</c> prefix requires Secure and Path=/. Browsers keep Secure cookies from HTTPS and from
    /// http://localhost (a secure context), so the portal works in development and needs TLS (at Portico or its proxy) elsewhere.
    /// </summary>
    private static CookieOptions CookieOptions(TimeSpan? lifetime) => new()
    {
        HttpOnly = true,
        Secure = true,
        // Lax, not Strict: the first GET /oauth/authorize arrives by a redirect from the client's site and must see the session.
        SameSite = SameSiteMode.Lax,
        Path = "/",
        MaxAge = lifetime,
    };
}
