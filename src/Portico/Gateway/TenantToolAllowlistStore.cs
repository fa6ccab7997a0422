using Microsoft.EntityFrameworkCore;
using Portico.Access;
using Portico.Storage;

namespace Portico.Gateway;

/// <summary>
/// Reads and writes tenants' upstream tool allowlists. Every save is a store change (<see cref="GatewayTopics.Allowlists"/>,
/// subject the tenant), so every instance drops its cached copy at once.
/// </summary>
internal sealed class TenantToolAllowlistStore(PorticoDbContext db, TimeProvider time)
{
    /// <summary>The tenant's patterns; null when it has no allowlist (its members see every upstream tool).</summary>
    public async Task<IReadOnlyList<string>?> GetAsync(string tenantId, CancellationToken cancellationToken)
        => await db.Set<TenantToolAllowlistRecord>().AsNoTracking().FirstOrDefaultAsync(a => a.TenantId == tenantId, cancellationToken) is { } record
            ? Split(record.Patterns)
            : null;

    public async Task<IReadOnlyList<string>> SetAsync(string tenantId, IEnumerable<string> patterns, string? updatedBy, CancellationToken cancellationToken)
    {
        var cleaned = patterns.SelectMany(p => p.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)).Distinct(StringComparer.Ordinal).ToList();
        if (cleaned.FirstOrDefault(p => !Valid(p)) is { } bad)
        {
            throw new AccessException($"'{bad}' is not an upstream tool name or pattern.",
                "Give catalog names such as 'everything__echo', or a prefix ending in '*' such as 'memory__*' (a '*' only at the end).");
        }

        if (!await db.Set<TenantRecord>().AnyAsync(t => t.Id == tenantId, cancellationToken))
        {
            throw new AccessException($"No tenant '{tenantId}'.", "List the tenants with 'portico tenants list'.");
        }

        var record = await db.Set<TenantToolAllowlistRecord>().FirstOrDefaultAsync(a => a.TenantId == tenantId, cancellationToken);
        if (record is null)
        {
            record = new TenantToolAllowlistRecord { TenantId = tenantId, Patterns = "" };
            db.Set<TenantToolAllowlistRecord>().Add(record);
        }

        record.Patterns = string.Join('\n', cleaned);
        record.UpdatedBy = updatedBy;
        record.UpdatedAt = time.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        return cleaned;
    }

    /// <summary>Removes the allowlist: members see every upstream tool again. False when there was none.</summary>
    public async Task<bool> ClearAsync(string tenantId, CancellationToken cancellationToken)
    {
        if (await db.Set<TenantToolAllowlistRecord>().FirstOrDefaultAsync(a => a.TenantId == tenantId, cancellationToken) is not { } record)
        {
            return false;
        }

        db.Set<TenantToolAllowlistRecord>().Remove(record);
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    /// <summary>Whether <paramref name="tool"/> (a catalog name) is allowed by <paramref name="patterns"/>: equal, or starting with a pattern's part before its trailing '*'.</summary>
    public static bool Allows(IReadOnlyList<string> patterns, string tool)
        => patterns.Any(p => p.EndsWith('*') ? tool.StartsWith(p[..^1], StringComparison.Ordinal) : p == tool);

    private static bool Valid(string pattern)
        => pattern.Length is > 0 and <= 128 && pattern.IndexOf('*', StringComparison.Ordinal) is var star && (star < 0 || star == pattern.Length - 1)
            && pattern.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' or '*');

    private static string[] Split(string patterns) => patterns.Split('\n', StringSplitOptions.RemoveEmptyEntries);
}
