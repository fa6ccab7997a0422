using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portico.Access;
using Portico.Storage;
using PasswordHasher = Microsoft.AspNetCore.Identity.PasswordHasher<Portico.Access.UserRecord>;
using PasswordVerificationResult = Microsoft.AspNetCore.Identity.PasswordVerificationResult;

namespace Portico.Identity;

/// <summary>
/// Local accounts: passwords (PasswordHasher: salted PBKDF2, never the password) and sign-in with
/// lockout, so guessing a password from the login page costs a lockout every few tries.
/// </summary>
internal sealed class UserAccounts(AccessAdmin admin, PorticoDbContext db, TimeProvider time, IOptions<IdentityOptions> options)
{
    public const int MinimumPasswordLength = 8;
    public const string WrongCredentials = "Wrong email or password.";

    private static readonly PasswordHasher Hasher = new();

    /// <summary>Verifying against this when the email is unknown keeps the answer as slow as for a known one.</summary>
    private static readonly string DecoyHash = Hasher.HashPassword(new UserRecord { Id = "decoy", Email = "decoy" }, Secrets.New("decoy_"));

    public async Task<UserRecord> AddAsync(string email, string password, string? displayName, CancellationToken cancellationToken)
    {
        CheckPassword(password);
        var user = await admin.EnsureUserAsync(email, cancellationToken);
        if (user.PasswordHash is not null)
        {
            throw new AccessException($"User '{user.Email}' already has a password.", "Change it with 'portico users passwd --email EMAIL'.");
        }

        user.PasswordHash = Hasher.HashPassword(user, password);
        user.DisplayName = displayName ?? user.DisplayName;
        await db.SaveChangesAsync(cancellationToken);
        return user;
    }

    /// <summary>Sets a new password and lifts a lockout.</summary>
    public async Task<UserRecord> SetPasswordAsync(string email, string password, CancellationToken cancellationToken)
    {
        CheckPassword(password);
        var user = await admin.GetUserAsync(email, cancellationToken);
        user.PasswordHash = Hasher.HashPassword(user, password);
        user.FailedLogins = 0;
        user.LockedUntil = null;
        await db.SaveChangesAsync(cancellationToken);
        return user;
    }

    /// <summary>
    /// Makes the user a Portico administrator (who may be granted <c>portico/admin</c>) or not. Taking it away
    /// also revokes every sign-in of theirs that carries <c>portico/admin</c>, access and refresh tokens alike,
    /// on every instance: the scope is gone now, not at the next refresh. Returns how many sign-ins were revoked.
    /// </summary>
    public async Task<(UserRecord User, int RevokedSignIns)> SetAdminAsync(string email, bool isAdmin, CancellationToken cancellationToken)
    {
        var user = await admin.GetUserAsync(email, cancellationToken);
        user.IsAdmin = isAdmin;
        await db.SaveChangesAsync(cancellationToken);
        if (isAdmin)
        {
            return (user, 0);
        }

        var live = await db.Set<OAuthGrantRecord>().AsNoTracking().Where(g => g.UserId == user.Id && g.RevokedAt == null).Select(g => new { g.Id, g.Scopes }).ToListAsync(cancellationToken);
        var withAdmin = live.Where(g => g.Scopes.Split(' ').Contains(Scopes.Admin)).Select(g => g.Id).ToList();
        if (withAdmin.Count > 0)
        {
            await GrantRevocations.RevokeAsync(db, time, withAdmin, cancellationToken);
        }

        return (user, withAdmin.Count);
    }

    public Task<List<UserRecord>> ListAsync(CancellationToken cancellationToken)
        => db.Set<UserRecord>().AsNoTracking().OrderBy(u => u.Email).ToListAsync(cancellationToken);

    /// <summary>
    /// The user, or the message to show: wrong credentials (never which part) or a lockout with its end. Each attempt
    /// first takes its place in the failure count (one atomic UPDATE … RETURNING, see <see cref="TakeAttemptAsync"/>)
    /// and only an attempt within the limit has its password checked, so parallel guesses cannot outrun the lockout.
    /// </summary>
    public async Task<(UserRecord? User, string? Error)> SignInAsync(string email, string password, CancellationToken cancellationToken)
    {
        var normalized = email.Trim().ToLowerInvariant();
        var user = await db.Set<UserRecord>().AsNoTracking().FirstOrDefaultAsync(u => u.Email == normalized, cancellationToken);
        var now = time.GetUtcNow();
        if (user?.PasswordHash is null)
        {
            Hasher.VerifyHashedPassword(new UserRecord { Id = "decoy", Email = normalized }, DecoyHash, password);
            return (null, WrongCredentials);
        }

        var settings = options.Value;
        var attempt = await TakeAttemptAsync(user.Id, now, cancellationToken);
        if (attempt is null)
        {
            return (null, Locked(await LockedUntilAsync(user.Id, now, cancellationToken)));
        }

        if (attempt > settings.MaxFailedLogins)
        {
            // Taken while the attempt that reached the limit was still being checked: refused unchecked.
            return (null, Locked(await LockAsync(user.Id, now, cancellationToken)));
        }

        var result = Hasher.VerifyHashedPassword(user, user.PasswordHash, password);
        if (result == PasswordVerificationResult.Failed)
        {
            return attempt == settings.MaxFailedLogins ? (null, Locked(await LockAsync(user.Id, now, cancellationToken))) : (null, WrongCredentials);
        }

        var hash = result == PasswordVerificationResult.SuccessRehashNeeded ? Hasher.HashPassword(user, password) : user.PasswordHash;
        await db.Set<UserRecord>().Where(u => u.Id == user.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.FailedLogins, 0).SetProperty(u => u.LockedUntil, (DateTimeOffset?)null).SetProperty(u => u.PasswordHash, hash),
                cancellationToken);
        user.FailedLogins = 0;
        user.LockedUntil = null;
        user.PasswordHash = hash;
        return (user, null);
    }

    /// <summary>
    /// Counts one sign-in attempt against the user, unless the account is locked: the new count (this attempt's
    /// place), or null when locked. One statement, so concurrent attempts on any instance each get their own place
    /// (valid on SQLite 3.35+ and PostgreSQL).
    /// </summary>
    private async Task<int?> TakeAttemptAsync(string userId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var nowMs = now.ToUnixTimeMilliseconds();
        var counts = await db.Database.SqlQuery<int>(
                $"UPDATE users SET failed_logins = failed_logins + 1 WHERE id = {userId} AND (locked_until IS NULL OR locked_until <= {nowMs}) RETURNING failed_logins AS \"Value\"")
            .ToListAsync(cancellationToken);
        return counts.Count == 0 ? null : counts[0];
    }

    /// <summary>Locks the account from now, unless another attempt locked it already; returns when the lockout ends.</summary>
    private async Task<DateTimeOffset> LockAsync(string userId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        DateTimeOffset? until = now + options.Value.LockoutDuration;
        await db.Set<UserRecord>().Where(u => u.Id == userId && (u.LockedUntil == null || u.LockedUntil <= now))
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.LockedUntil, until).SetProperty(u => u.FailedLogins, 0), cancellationToken);
        return await LockedUntilAsync(userId, now, cancellationToken);
    }

    private async Task<DateTimeOffset> LockedUntilAsync(string userId, DateTimeOffset now, CancellationToken cancellationToken)
        => await db.Set<UserRecord>().AsNoTracking().Where(u => u.Id == userId).Select(u => u.LockedUntil).FirstOrDefaultAsync(cancellationToken) is { } until && until > now
            ? until
            : now + options.Value.LockoutDuration;

    private static string Locked(DateTimeOffset until)
        => $"Too many failed sign-ins: this account is locked until {until.UtcDateTime:yyyy-MM-dd HH:mm} UTC. An administrator can lift it with 'portico users passwd'.";

    private static void CheckPassword(string password)
    {
        if (password.Length < MinimumPasswordLength)
        {
            throw new AccessException($"The password is too short ({password.Length} characters).", $"Use at least {MinimumPasswordLength} characters.");
        }
    }
}
