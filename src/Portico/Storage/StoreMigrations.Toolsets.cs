namespace Portico.Storage;

internal static partial class StoreMigrations
{
    /// <summary>Steps 220–229: toolsets (curated MCP endpoints over the catalog).</summary>
    private static StoreMigration[] Toolsets =>
    [
        new(220, "toolsets",
            Sqlite: """
                CREATE TABLE toolsets (
                    name TEXT NOT NULL PRIMARY KEY,
                    title TEXT NULL,
                    description TEXT NULL,
                    tenant_id TEXT NULL,
                    entries TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL,
                    updated_by TEXT NULL
                );
                CREATE INDEX ix_toolsets_tenant_id ON toolsets (tenant_id);
                """,
            Postgres: """
                CREATE TABLE toolsets (
                    name text NOT NULL PRIMARY KEY,
                    title text NULL,
                    description text NULL,
                    tenant_id text NULL,
                    entries text NOT NULL,
                    created_at bigint NOT NULL,
                    updated_at bigint NOT NULL,
                    updated_by text NULL
                );
                CREATE INDEX ix_toolsets_tenant_id ON toolsets (tenant_id);
                """),
    ];
}
