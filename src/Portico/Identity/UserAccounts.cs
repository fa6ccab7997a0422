using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portico.Access;
using Portico.Storage;
using PasswordHasher = Microsoft.AspNetCore.Identity.PasswordHasher<Portico.Storage.UserRecord>;
using PasswordVerificationResult = Microsoft.AspNetCore.Identity.PasswordVerificationResult;

namespace Portico.Identity;

/// <summary>
/// Local accounts: passwords (PasswordHasher: salted PBKDF2, never the password) and sign-in with
/// lockout, so guessing a password from the login page costs a lockout every few tries.
/// </summary>
internal sealed class UserAccounts(AccessAdmin admin, PorticoDbContext db, StoreChanges changes, TimeProvider time, IOptions<IdentityOptions> options)
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

        var live = await db.OAuthGrants.AsNoTracking().Where(g => g.UserId == user.Id && g.RevokedAt == null).Select(g => new { g.Id, g.Scopes }).ToListAsync(cancellationToken);
        var withAdmin = live.Where(g => g.Scopes.Split(' ').Contains(Scopes.Admin)).Select(g => g.Id).ToList();
        if (withAdmin.Count > 0)
        {
            await GrantRevocations.RevokeAsync(db, changes, time, withAdmin, cancellationToken);
        }

        return (user, withAdmin.Count);
    }

    public Task<List<UserRecord>> ListAsync(CancellationToken cancellationToken)
        => db.Users.AsNoTracking().OrderBy(u => u.Email).ToListAsync(cancellationToken);

    /// <summary>The user, or the message to show: wrong credentials (never which part) or a lockout with its end.</summary>
    public async Task<(UserRecord? User, string? Error)> SignInAsync(string email, string password, CancellationToken cancellationToken)
    {
        var normalized = email.Trim().ToLowerInvariant();
        var user = await db.Users.FirstOrDefaultAsync(u => u.Email == normalized, cancellationToken);
        var now = time.GetUtcNow();
        if (user?.PasswordHash is null)
        {
            Hasher.VerifyHashedPassword(new UserRecord { Id = "decoy", Email = normalized }, DecoyHash, password);
            return (null, WrongCredentials);
        }

        if (user.LockedUntil > now)
        {
            return (null, Locked(user.LockedUntil.Value));
        }

        var result = Hasher.VerifyHashedPassword(user, user.PasswordHash, password);
        if (result == PasswordVerificationResult.Failed)
        {
            user.FailedLogins++;
            var settings = options.Value;
            if (user.FailedLogins >= settings.MaxFailedLogins)
            {
                user.FailedLogins = 0;
                user.LockedUntil = now + settings.LockoutDuration;
                await db.SaveChangesAsync(cancellationToken);
                return (null, Locked(user.LockedUntil.Value));
            }

            await db.SaveChangesAsync(cancellationToken);
            return (null, WrongCredentials);
        }

        if (result == PasswordVerificationResult.SuccessRehashNeeded)
        {
            user.PasswordHash = Hasher.HashPassword(user, password);
        }

        user.FailedLogins = 0;
        user.LockedUntil = null;
        await db.SaveChangesAsync(cancellationToken);
        return (user, null);
    }

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
