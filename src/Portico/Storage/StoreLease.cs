using Microsoft.EntityFrameworkCore;

namespace Portico.Storage;

/// <summary>
/// Background work that one instance of several must do at a time (sweepers): the instance holding the named lease
/// does it and renews it each round; when the holder stops renewing (it died), another takes the lease over once it has
/// run out. Unlike <see cref="StoreLock"/> nothing stays open: the lease is a row, so a killed holder leaves nothing behind.
/// </summary>
internal static class StoreLease
{
    /// <summary>True when <paramref name="holder"/> holds (or now took) the lease <paramref name="name"/> until now + <paramref name="duration"/>.</summary>
    public static async Task<bool> TryClaimAsync(PorticoDbContext db, string name, string holder, TimeSpan duration, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var until = now + duration;
        var leases = db.Set<StoreLeaseRecord>();
        var renewed = await leases.TagWith(StoreMetrics.BackgroundTag)
            .Where(l => l.Name == name && (l.Holder == holder || l.Until < now))
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.Holder, holder).SetProperty(l => l.Until, until), cancellationToken);
        if (renewed > 0)
        {
            return true;
        }

        if (await leases.AsNoTracking().AnyAsync(l => l.Name == name, cancellationToken))
        {
            return false; // another instance holds it
        }

        leases.Add(new StoreLeaseRecord { Name = name, Holder = holder, Until = until });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException)
        {
            // Another instance inserted it first.
            db.ChangeTracker.Clear();
            return false;
        }
    }
}
