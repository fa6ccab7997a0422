namespace Portico.Storage;

/// <summary>One versioned schema change, written by hand for each provider.</summary>
internal sealed record StoreMigration(int Version, string Name, string Sqlite, string Postgres)
{
    public string SqlFor(StoreProvider provider) => provider == StoreProvider.Postgres ? Postgres : Sqlite;
}
