namespace Portico.Storage;

internal static partial class StoreMigrations
{
    /// <summary>Steps 110–119: tenant integrations (per-tenant secrets for the services tools use).</summary>
    private static StoreMigration[] Integrations =>
    [
        // One row per tenant and integration; the secret is Data Protection ciphertext bound to the row.
        new(110, "tenant_integrations",
            Sqlite: """
                CREATE TABLE tenant_integrations (
                    tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
                    integration TEXT NOT NULL,
                    secret BLOB NOT NULL,
                    stamp TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL,
                    updated_by TEXT NULL,
                    PRIMARY KEY (tenant_id, integration)
                );
                """,
            Postgres: """
                CREATE TABLE tenant_integrations (
                    tenant_id text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
                    integration text NOT NULL,
                    secret bytea NOT NULL,
                    stamp text NOT NULL,
                    created_at bigint NOT NULL,
                    updated_at bigint NOT NULL,
                    updated_by text NULL,
                    PRIMARY KEY (tenant_id, integration)
                );
                """),
    ];
}
