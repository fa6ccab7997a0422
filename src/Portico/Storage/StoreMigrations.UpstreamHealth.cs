namespace Portico.Storage;

internal static partial class StoreMigrations
{
    /// <summary>Steps 120–129: upstreams in the portal (health history).</summary>
    private static StoreMigration[] UpstreamHealth =>
    [
        // The last checks of each upstream, written by the instance that ran them; removing the upstream removes them.
        new(120, "upstream_health_checks",
            Sqlite: """
                CREATE TABLE upstream_health_checks (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    upstream TEXT NOT NULL REFERENCES gateway_upstreams (name) ON DELETE CASCADE,
                    instance TEXT NOT NULL,
                    checked_at INTEGER NOT NULL,
                    ok INTEGER NOT NULL,
                    latency_ms INTEGER NULL,
                    error TEXT NULL
                );
                CREATE INDEX ix_upstream_health_checks_upstream_id ON upstream_health_checks (upstream, id);
                """,
            Postgres: """
                CREATE TABLE upstream_health_checks (
                    id bigserial PRIMARY KEY,
                    upstream text NOT NULL REFERENCES gateway_upstreams (name) ON DELETE CASCADE,
                    instance text NOT NULL,
                    checked_at bigint NOT NULL,
                    ok boolean NOT NULL,
                    latency_ms bigint NULL,
                    error text NULL
                );
                CREATE INDEX ix_upstream_health_checks_upstream_id ON upstream_health_checks (upstream, id);
                """),
    ];
}
