namespace Portico.Storage;

internal static partial class StoreMigrations
{
    /// <summary>Steps 150–159: what an operator reads to diagnose a call.</summary>
    private static StoreMigration[] Operate =>
    [
        // The W3C trace id (32 hex digits) of the call: from an audit record to its spans and log lines.
        new(150, "audit_records_trace_id",
            Sqlite: "ALTER TABLE audit_records ADD COLUMN trace_id TEXT NULL;",
            Postgres: "ALTER TABLE audit_records ADD COLUMN trace_id text NULL;"),
    ];
}
