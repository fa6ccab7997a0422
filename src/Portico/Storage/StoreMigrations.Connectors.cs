namespace Portico.Storage;

internal static partial class StoreMigrations
{
    /// <summary>Steps 200–239: connectors (REST APIs described by OpenAPI, served as tools).</summary>
    private static StoreMigration[] Connectors =>
    [
        new(200, "connectors",
            Sqlite: """
                CREATE TABLE connectors (
                    name TEXT NOT NULL PRIMARY KEY,
                    source_url TEXT NULL,
                    base_url TEXT NULL,
                    document TEXT NOT NULL,
                    hash TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL,
                    updated_by TEXT NULL
                );
                """,
            Postgres: """
                CREATE TABLE connectors (
                    name text NOT NULL PRIMARY KEY,
                    source_url text NULL,
                    base_url text NULL,
                    document text NOT NULL,
                    hash text NOT NULL,
                    created_at bigint NOT NULL,
                    updated_at bigint NOT NULL,
                    updated_by text NULL
                );
                """),
    ];
}
