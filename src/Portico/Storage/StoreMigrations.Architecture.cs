namespace Portico.Storage;

internal static partial class StoreMigrations
{
    /// <summary>The steps of the architecture work (issue 12): the change log's own upkeep and the relay's table.</summary>
    private static StoreMigration[] Architecture =>
    [
        // Clients' answers relayed between instances get a short-lived table of their own (they were change-log rows,
        // kept a day); the change log is pruned by age, which its index on at keeps cheap.
        new(60, "relayed_answers",
            Sqlite: """
                CREATE TABLE relayed_answers (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    session_id TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    request_id TEXT NOT NULL,
                    message TEXT NOT NULL,
                    created_at INTEGER NOT NULL
                );
                CREATE INDEX ix_relayed_answers_session_id ON relayed_answers (session_id);
                CREATE INDEX ix_relayed_answers_created_at ON relayed_answers (created_at);
                DELETE FROM store_changes WHERE topic IN ('client-response', 'request-cancelled');
                CREATE INDEX ix_store_changes_at ON store_changes (at);
                """,
            Postgres: """
                CREATE TABLE relayed_answers (
                    id bigserial PRIMARY KEY,
                    session_id text NOT NULL,
                    kind text NOT NULL,
                    request_id text NOT NULL,
                    message text NOT NULL,
                    created_at bigint NOT NULL
                );
                CREATE INDEX ix_relayed_answers_session_id ON relayed_answers (session_id);
                CREATE INDEX ix_relayed_answers_created_at ON relayed_answers (created_at);
                DELETE FROM store_changes WHERE topic IN ('client-response', 'request-cancelled');
                CREATE INDEX ix_store_changes_at ON store_changes (at);
                """),
    ];
}
