namespace Portico.Storage;

internal static partial class StoreMigrations
{
    /// <summary>Steps 210–219: approval-gated tool calls (docs/approvals.md).</summary>
    private static StoreMigration[] Approvals =>
    [
        // One row per gated call: the exact validated arguments, their hash and the seal binding both to the request, and
        // the decision. The rule table holds the tools a tenant's owners require approval for.
        new(210, "approvals",
            Sqlite: """
                CREATE TABLE approvals (
                    id TEXT NOT NULL PRIMARY KEY,
                    tenant_id TEXT NULL,
                    tool TEXT NOT NULL,
                    owner_id TEXT NOT NULL,
                    owner_email TEXT NULL,
                    credential_id TEXT NULL,
                    task_id TEXT NULL,
                    request_id TEXT NOT NULL,
                    arguments TEXT NOT NULL,
                    arguments_hash TEXT NOT NULL,
                    seal TEXT NOT NULL,
                    status TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    expires_at INTEGER NOT NULL,
                    decided_at INTEGER NULL,
                    decided_by TEXT NULL,
                    consumed_at INTEGER NULL
                );
                CREATE INDEX ix_approvals_tenant_status ON approvals (tenant_id, status);
                CREATE INDEX ix_approvals_owner_tool ON approvals (owner_id, tool);
                CREATE INDEX ix_approvals_task_id ON approvals (task_id);
                CREATE TABLE tenant_approval_tools (
                    tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
                    tool TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    created_by TEXT NULL,
                    PRIMARY KEY (tenant_id, tool)
                );
                """,
            Postgres: """
                CREATE TABLE approvals (
                    id text NOT NULL PRIMARY KEY,
                    tenant_id text NULL,
                    tool text NOT NULL,
                    owner_id text NOT NULL,
                    owner_email text NULL,
                    credential_id text NULL,
                    task_id text NULL,
                    request_id text NOT NULL,
                    arguments text NOT NULL,
                    arguments_hash text NOT NULL,
                    seal text NOT NULL,
                    status text NOT NULL,
                    created_at bigint NOT NULL,
                    expires_at bigint NOT NULL,
                    decided_at bigint NULL,
                    decided_by text NULL,
                    consumed_at bigint NULL
                );
                CREATE INDEX ix_approvals_tenant_status ON approvals (tenant_id, status);
                CREATE INDEX ix_approvals_owner_tool ON approvals (owner_id, tool);
                CREATE INDEX ix_approvals_task_id ON approvals (task_id);
                CREATE TABLE tenant_approval_tools (
                    tenant_id text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
                    tool text NOT NULL,
                    created_at bigint NOT NULL,
                    created_by text NULL,
                    PRIMARY KEY (tenant_id, tool)
                );
                """),
    ];
}
