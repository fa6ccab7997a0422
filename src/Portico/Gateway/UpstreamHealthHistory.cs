using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Portico.Storage;

namespace Portico.Gateway;

/// <summary>
/// The recent health checks of each upstream, in the store so every instance (and the portal behind any of them) sees
/// them. Each instance's monitor writes the checks it ran, and prunes as it writes: the newest <see cref="Kept"/> per
/// upstream, none older than <see cref="MaxAge"/>.
/// </summary>
internal sealed class UpstreamHealthHistory(PorticoDbContext db, TimeProvider time)
{
    public const int Kept = 100;

    public static readonly TimeSpan MaxAge = TimeSpan.FromDays(7);

    /// <summary>A name for this process's monitor in the history: the host, and a random part that tells instances on one host apart.</summary>
    public static string Instance() => $"{Environment.MachineName}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3))}";

    public async Task RecordAsync(string upstream, string instance, bool ok, long? latencyMs, string? error, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        db.Set<UpstreamHealthCheckRecord>().Add(new UpstreamHealthCheckRecord
        {
            Upstream = upstream,
            Instance = instance,
            CheckedAt = now,
            Ok = ok,
            LatencyMs = latencyMs,
            Error = error is { Length: > 1000 } ? error[..1000] : error,
        });
        await db.SaveChangesAsync(cancellationToken);

        var checks = db.Set<UpstreamHealthCheckRecord>().TagWith(StoreMetrics.BackgroundTag).Where(c => c.Upstream == upstream);
        var oldestKept = await checks.OrderByDescending(c => c.Id).Skip(Kept - 1).Select(c => (long?)c.Id).FirstOrDefaultAsync(cancellationToken);
        var expired = now - MaxAge;
        await checks.Where(c => c.Id < oldestKept || c.CheckedAt < expired).ExecuteDeleteAsync(cancellationToken);
    }

    /// <summary>The newest checks of <paramref name="upstream"/> first, at most <paramref name="limit"/>.</summary>
    public async Task<IReadOnlyList<UpstreamHealthCheckRecord>> ListAsync(string upstream, int limit, CancellationToken cancellationToken)
        => await db.Set<UpstreamHealthCheckRecord>().AsNoTracking().Where(c => c.Upstream == upstream)
            .OrderByDescending(c => c.Id).Take(Math.Clamp(limit, 1, Kept)).ToListAsync(cancellationToken);
}
