namespace Portico.Access;

internal sealed class UserRecord
{
    public required string Id { get; set; }

    /// <summary>Lower-cased; unique.</summary>
    public required string Email { get; set; }

    public string? DisplayName { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>PasswordHasher output (PBKDF2, salted); null for a user who signs in only with API keys.</summary>
    public string? PasswordHash { get; set; }

    /// <summary>Consecutive failed sign-ins; reset by a successful one.</summary>
    public int FailedLogins { get; set; }

    public DateTimeOffset? LockedUntil { get; set; }

    /// <summary>A Portico administrator: only such a user may be granted <c>portico/admin</c> in an OAuth token.</summary>
    public bool IsAdmin { get; set; }
}
