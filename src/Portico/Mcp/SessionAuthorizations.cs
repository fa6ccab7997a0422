using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portico.Access;
using Portico.Catalog;
using Portico.Identity;
using Portico.Storage;

namespace Portico.Mcp;

/// <summary>
/// Token state per <c>Mcp-Session-Id</c> for clients that cannot do browser OAuth. The <c>authenticate</c>
/// tool starts a device flow bound to the session; once the user approves, <c>check_auth_status</c>
/// redeems it and the session holds the grant, as a client would hold its access and refresh tokens.
/// What is stored is the redeemed device-code row (session id → grant), never a token, so any instance
/// that restores the session finds the sign-in, and revoking the grant ends it on every instance.
/// </summary>
internal sealed class SessionAuthorizations(IServiceScopeFactory scopes, GrantRevocations revocations, TimeProvider time,
    IOptions<IdentityOptions> options)
{
    /// <summary>
    /// Whom a call in <paramref name="session"/> acts as: the user who approved the session's sign-in, with
    /// the grant's scopes, while it lasts and is not revoked; otherwise the request's own credential. The
    /// credential still proves the caller owns the session (checked before this), so a session opened with a
    /// narrow API key can be widened by a user's approval, and narrows back when the sign-in ends.
    /// </summary>
    public async ValueTask<Principal> CallerAsync(ICallSession session, Principal credential, CancellationToken cancellationToken)
        => (await ActiveAsync(session, cancellationToken))?.Principal ?? credential;

    /// <summary>The session's sign-in while it lasts and its grant is not revoked; otherwise null.</summary>
    public async ValueTask<SessionAuthorization?> ActiveAsync(ICallSession session, CancellationToken cancellationToken)
        => session.Authorization is { } signedIn && signedIn.ExpiresAt > time.GetUtcNow() && !await revocations.IsRevokedAsync(signedIn.GrantId, cancellationToken)
            ? signedIn
            : null;

    /// <summary>The session's sign-in as the store has it (on restore and after another instance changed it); null when there is none.</summary>
    public async Task<SessionAuthorization?> LoadAsync(string sessionId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
        var grantId = await db.Set<DeviceCodeRecord>().AsNoTracking()
            .Where(d => d.SessionId == sessionId && d.Status == DeviceFlow.Used && d.GrantId != null)
            .OrderByDescending(d => d.CreatedAt).Select(d => d.GrantId).FirstOrDefaultAsync(cancellationToken);
        var grant = grantId is null ? null : await db.Set<OAuthGrantRecord>().AsNoTracking().FirstOrDefaultAsync(g => g.Id == grantId && g.RevokedAt == null, cancellationToken);
        var user = grant?.UserId is null ? null : await db.Set<UserRecord>().AsNoTracking().FirstOrDefaultAsync(u => u.Id == grant.UserId, cancellationToken);
        return grant is null || user is null ? null : Of(grant, user);
    }

    /// <summary>
    /// Deletes the sign-ins (redeemed, session-bound device codes past their expiry) of sessions that no longer exist.
    /// Identity prunes every other expired code; this one is a session's sign-in for as long as the session lives.
    /// </summary>
    public static Task<int> ForgetEndedAsync(PorticoDbContext db, DateTimeOffset now, CancellationToken cancellationToken)
        => db.Set<DeviceCodeRecord>()
            .Where(d => d.ExpiresAt <= now && d.Status == DeviceFlow.Used && d.SessionId != null && !db.Set<SessionRecord>().Any(s => s.Id == d.SessionId))
            .ExecuteDeleteAsync(cancellationToken);

    /// <summary>Attaches a redeemed grant to the session here and tells the instances holding a copy of the session.</summary>
    public async Task<SessionAuthorization> AttachAsync(ICallSession session, OAuthGrantRecord grant, UserRecord user, CancellationToken cancellationToken)
    {
        var authorization = Of(grant, user);
        session.Authorization = authorization;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
        // The sign-in is the device code's row, written already; only the instances holding the session need telling.
        db.Record(McpTopics.Sessions, session.Id);
        await db.SaveChangesAsync(cancellationToken);
        return authorization;
    }

    /// <summary>The sign-in lasts as long as a refresh token of the grant would, or until the grant is revoked.</summary>
    private SessionAuthorization Of(OAuthGrantRecord grant, UserRecord user) => new(grant.Id, new Principal
    {
        Id = user.Id,
        Kind = Principal.OAuthKind,
        Email = user.Email,
        CredentialId = grant.Id,
        Scopes = new HashSet<string>(grant.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries), StringComparer.Ordinal),
    }, grant.CreatedAt + options.Value.RefreshTokenLifetime);
}
