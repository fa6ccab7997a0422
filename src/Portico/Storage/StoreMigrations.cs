namespace Portico.Storage;

/// <summary>
/// The schema, in order. EF Core's design-time tooling is not available, so each step is plain
/// SQL per provider; a step is never edited once released — add a new one instead.
/// </summary>
internal static class StoreMigrations
{
    public static IReadOnlyList<StoreMigration> All { get; } =
    [
        new(1, "mcp_sessions",
            Sqlite: """
                CREATE TABLE mcp_sessions (
                    id TEXT NOT NULL PRIMARY KEY,
                    protocol_version TEXT NOT NULL,
                    initialize_params TEXT NOT NULL,
                    client_name TEXT NULL,
                    client_version TEXT NULL,
                    owner_id TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    last_seen_at INTEGER NOT NULL,
                    closed_at INTEGER NULL
                );
                CREATE INDEX ix_mcp_sessions_last_seen_at ON mcp_sessions (last_seen_at);
                """,
            Postgres: """
                CREATE TABLE mcp_sessions (
                    id text NOT NULL PRIMARY KEY,
                    protocol_version text NOT NULL,
                    initialize_params text NOT NULL,
                    client_name text NULL,
                    client_version text NULL,
                    owner_id text NOT NULL,
                    created_at bigint NOT NULL,
                    last_seen_at bigint NOT NULL,
                    closed_at bigint NULL
                );
                CREATE INDEX ix_mcp_sessions_last_seen_at ON mcp_sessions (last_seen_at);
                """),
    ];

    public static int Latest => All[^1].Version;
}
