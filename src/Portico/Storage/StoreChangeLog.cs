namespace Portico.Storage;

/// <summary>
/// Change rows written by hand, for what the change tracker does not see (<see cref="StoreChangeInterceptor"/>
/// covers tracked saves): bulk <c>ExecuteUpdate</c>/<c>ExecuteDelete</c>, rows removed by <c>ON DELETE CASCADE</c>,
/// state held only in memory. They are raised on this instance once committed, like the interceptor's.
/// </summary>
internal static class StoreChangeLog
{
    /// <summary>Adds a change row; the caller's next SaveChanges writes it (in the caller's transaction, if any).</summary>
    public static void Record(this PorticoDbContext db, StoreTopic topic, string subject)
        => db.Set<StoreChangeRecord>().Add(new StoreChangeRecord { Topic = topic.Name, Subject = subject });

    /// <summary>
    /// Runs a bulk statement and, when it changed rows, records a change of <paramref name="topic"/> for each subject —
    /// in one transaction (the caller's, or one of its own), so the data never commits without its change.
    /// </summary>
    public static async Task<int> ExecuteRecordedAsync(this PorticoDbContext db, Func<CancellationToken, Task<int>> bulk, StoreTopic topic,
        IEnumerable<string> subjects, CancellationToken cancellationToken)
    {
        await using var transaction = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(cancellationToken) : null;
        var affected = await bulk(cancellationToken);
        if (affected > 0)
        {
            foreach (var subject in subjects)
            {
                db.Record(topic, subject);
            }

            await db.SaveChangesAsync(cancellationToken);
        }

        if (transaction is not null)
        {
            await transaction.CommitAsync(cancellationToken);
        }

        return affected;
    }
}
