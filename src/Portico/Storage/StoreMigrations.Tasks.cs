namespace Portico.Storage;

internal static partial class StoreMigrations
{
    /// <summary>Steps 80–89: the tasks extension (Portico.Tasks owns the table), the audit's task column, background leases.</summary>
    private static StoreMigration[] Tasks =>
    [
        // A task is read, updated and cancelled from any instance: everything about it lives in its row. The row's
        // version guards read-modify-write updates (inputs answered on one instance while another runs the task).
        new(80, "tasks",
            Sqlite: """
                CREATE TABLE tasks (
                    id TEXT NOT NULL PRIMARY KEY,
                    owner_id TEXT NOT NULL,
                    credential_id TEXT NULL,
                    tenant_id TEXT NULL,
                    required_scope TEXT NULL,
                    source TEXT NOT NULL,
                    tool TEXT NOT NULL,
                    request_id TEXT NOT NULL,
                    status TEXT NOT NULL,
                    status_message TEXT NULL,
                    progress REAL NULL,
                    progress_total REAL NULL,
                    result TEXT NULL,
                    error TEXT NULL,
                    input_requests TEXT NULL,
                    input_responses TEXT NULL,
                    ttl_ms INTEGER NOT NULL,
                    poll_interval_ms INTEGER NOT NULL,
                    created_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL,
                    expires_at INTEGER NOT NULL,
                    instance_id TEXT NULL,
                    lease_until INTEGER NULL,
                    version INTEGER NOT NULL
                );
                CREATE INDEX ix_tasks_owner_id ON tasks (owner_id);
                CREATE INDEX ix_tasks_status_lease_until ON tasks (status, lease_until);
                CREATE INDEX ix_tasks_expires_at ON tasks (expires_at);
                """,
            Postgres: """
                CREATE TABLE tasks (
                    id text NOT NULL PRIMARY KEY,
                    owner_id text NOT NULL,
                    credential_id text NULL,
                    tenant_id text NULL,
                    required_scope text NULL,
                    source text NOT NULL,
                    tool text NOT NULL,
                    request_id text NOT NULL,
                    status text NOT NULL,
                    status_message text NULL,
                    progress double precision NULL,
                    progress_total double precision NULL,
                    result text NULL,
                    error text NULL,
                    input_requests text NULL,
                    input_responses text NULL,
                    ttl_ms bigint NOT NULL,
                    poll_interval_ms bigint NOT NULL,
                    created_at bigint NOT NULL,
                    updated_at bigint NOT NULL,
                    expires_at bigint NOT NULL,
                    instance_id text NULL,
                    lease_until bigint NULL,
                    version integer NOT NULL
                );
                CREATE INDEX ix_tasks_owner_id ON tasks (owner_id);
                CREATE INDEX ix_tasks_status_lease_until ON tasks (status, lease_until);
                CREATE INDEX ix_tasks_expires_at ON tasks (expires_at);
                """),
        // The audit says which calls ran as tasks (their record is written when the task ends, with its outcome).
        new(81, "audit_task_id",
            Sqlite: "ALTER TABLE audit_records ADD COLUMN task_id TEXT NULL;",
            Postgres: "ALTER TABLE audit_records ADD COLUMN task_id text NULL;"),
        // Background work one instance at a time (the task sweeper first): a named lease, taken over once it runs out.
        new(82, "store_leases",
            Sqlite: """
                CREATE TABLE store_leases (
                    name TEXT NOT NULL PRIMARY KEY,
                    holder TEXT NOT NULL,
                    until INTEGER NOT NULL
                );
                """,
            Postgres: """
                CREATE TABLE store_leases (
                    name text NOT NULL PRIMARY KEY,
                    holder text NOT NULL,
                    until bigint NOT NULL
                );
                """),
    ];
}
