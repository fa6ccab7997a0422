using Microsoft.EntityFrameworkCore;
using Portico.Access;
using Portico.Storage;

namespace Portico.Identity;

/// <summary>
/// Who may be granted <c>portico/admin</c>: only a user flagged as a Portico administrator
/// (<c>portico users admin-grant</c>). For anyone else, and for a client acting for itself
/// (client_credentials), the scope is left out of what is granted, as RFC 6749 3.3 allows; the token
/// response's <c>scope</c> tells the client what it got. Clients ask for every scope in
/// <c>scopes_supported</c>, so refusing the whole request instead would lock every user out.
/// </summary>
internal static class AdminConsent
{
    public const string NotGrantable = "only Portico administrators may hold it";

    /// <summary>The requested scopes split into those the user may be granted and those left out.</summary>
    public static (IReadOnlyList<string> Granted, IReadOnlyList<string> Refused) Split(IEnumerable<string> requested, bool isAdmin)
    {
        var granted = new List<string>();
        var refused = new List<string>();
        foreach (var scope in requested)
        {
            (scope == Scopes.Admin && !isAdmin ? refused : granted).Add(scope);
        }

        return (granted, refused);
    }

    /// <summary>What a grant for <paramref name="userId"/> (null: the client itself) may carry, read now from the store; <c>invalid_scope</c> when nothing is left.</summary>
    public static async Task<IReadOnlyList<string>> GrantableAsync(PorticoDbContext db, string? userId, IEnumerable<string> requested, CancellationToken cancellationToken)
    {
        var isAdmin = userId is not null && await db.Set<UserRecord>().AsNoTracking().AnyAsync(u => u.Id == userId && u.IsAdmin, cancellationToken);
        var (granted, refused) = Split(requested, isAdmin);
        if (granted.Count == 0 && refused.Count > 0)
        {
            throw new OAuthException("invalid_scope",
                $"Nothing to grant: '{Scopes.Admin}' was the only scope asked for, and {NotGrantable}{(userId is null ? " (a client acting for itself never does: use an admin API key)" : "")}. Ask for other scopes, or have an operator run 'portico users admin-grant --email …'.");
        }

        return granted;
    }
}
