using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Portico.Storage;

/// <summary>Counts store commands and their time: how much of a request the store costs, and proof that hot paths do not touch it.</summary>
internal sealed class StoreMetrics : DbCommandInterceptor
{
    /// <summary>Tag (EF <c>TagWith</c>) of periodic background queries, which are not counted.</summary>
    public const string BackgroundTag = "portico:background";

    private const int RecentCapacity = 256;
    private static readonly AsyncLocal<bool> InBackground = new();
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _recent = new();
    private long _commands;
    private long _elapsedTicks;

    public long Commands => Interlocked.Read(ref _commands);

    /// <summary>The latest counted commands' SQL (at most 256), for diagnostics and tests.</summary>
    public IReadOnlyCollection<string> RecentCommands => _recent;

    /// <summary>Marks the current async flow as background work (batched writers), which is not counted.</summary>
    public static IDisposable Background()
    {
        InBackground.Value = true;
        return new BackgroundScope();
    }

    public TimeSpan Elapsed => TimeSpan.FromTicks(Interlocked.Read(ref _elapsedTicks));

    public override ValueTask<DbDataReader> ReaderExecutedAsync(DbCommand command, CommandExecutedEventData eventData, DbDataReader result, CancellationToken cancellationToken = default)
    {
        Count(command, eventData.Duration);
        return base.ReaderExecutedAsync(command, eventData, result, cancellationToken);
    }

    public override ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        Count(command, eventData.Duration);
        return base.NonQueryExecutedAsync(command, eventData, result, cancellationToken);
    }

    public override ValueTask<object?> ScalarExecutedAsync(DbCommand command, CommandExecutedEventData eventData, object? result, CancellationToken cancellationToken = default)
    {
        Count(command, eventData.Duration);
        return base.ScalarExecutedAsync(command, eventData, result, cancellationToken);
    }

    private void Count(DbCommand command, TimeSpan duration)
    {
        if (InBackground.Value || command.CommandText.StartsWith("-- " + BackgroundTag, StringComparison.Ordinal))
        {
            return;
        }

        Interlocked.Increment(ref _commands);
        _recent.Enqueue(command.CommandText);
        while (_recent.Count > RecentCapacity && _recent.TryDequeue(out _))
        {
        }

        Interlocked.Add(ref _elapsedTicks, duration.Ticks);
    }

    private sealed class BackgroundScope : IDisposable
    {
        public void Dispose() => InBackground.Value = false;
    }
}
