namespace Portico.Storage;

/// <summary>One versioned schema change, written by hand for each provider.</summary>
internal sealed record StoreMigration(int Version, string Name, string Sqlite, string Postgres)
{
    /// <summary>
    /// Steps a pack brings with its tables (<see cref="IStoreTableMigrations"/>) are numbered from here; the core
    /// schema's steps (<see cref="StoreMigrations"/>) count up from 1. A store that has steps of a pack this build does
    /// not include still opens (the pack was removed; its tables stay).
    /// </summary>
    public const int PackVersions = 100_000;

    public string SqlFor(StoreProvider provider) => provider == StoreProvider.Postgres ? Postgres : Sqlite;
}
