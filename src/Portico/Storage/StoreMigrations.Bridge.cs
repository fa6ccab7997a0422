namespace Portico.Storage;

internal static partial class StoreMigrations
{
    /// <summary>Steps 90–94: the gateway's revision bridging (MCP 2025-11-25 ⇄ 2026-07-28).</summary>
    private static StoreMigration[] Bridge =>
    [
        // The revision Portico speaks to each upstream (existing upstreams keep 2025-11-25), and the messages of an
        // input round relayed between instances: a stateless client's answers for the instance holding the upstream
        // call, and what that call did next for the instance the client is waiting on.
        new(90, "gateway_upstream_protocol_input_rounds",
            Sqlite: """
                ALTER TABLE gateway_upstreams ADD COLUMN protocol_version TEXT NOT NULL DEFAULT '2025-11-25';
                CREATE TABLE upstream_round_messages (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    round_id TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    message TEXT NOT NULL,
                    created_at INTEGER NOT NULL
                );
                CREATE INDEX ix_upstream_round_messages_round_id ON upstream_round_messages (round_id);
                CREATE INDEX ix_upstream_round_messages_created_at ON upstream_round_messages (created_at);
                """,
            Postgres: """
                ALTER TABLE gateway_upstreams ADD COLUMN protocol_version text NOT NULL DEFAULT '2025-11-25';
                CREATE TABLE upstream_round_messages (
                    id bigserial PRIMARY KEY,
                    round_id text NOT NULL,
                    kind text NOT NULL,
                    message text NOT NULL,
                    created_at bigint NOT NULL
                );
                CREATE INDEX ix_upstream_round_messages_round_id ON upstream_round_messages (round_id);
                CREATE INDEX ix_upstream_round_messages_created_at ON upstream_round_messages (created_at);
                """),
    ];
}
