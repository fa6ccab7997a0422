namespace Portico.Storage;

internal static partial class StoreMigrations
{
    /// <summary>Step 200: connectors (REST APIs described by OpenAPI, served as tools).</summary>
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

    /// <summary>Step 230: connectors' OAuth accounts (after approvals, 210, and toolsets, 220).</summary>
    private static StoreMigration[] ConnectorAccounts =>
    [
        // OAuth connectors (step 230): the accounts a tenant connected (tokens are Data Protection ciphertext bound to the row),
        // Portico's client registration at each connector's provider, and the sign-ins under way (state hashed, used once).
        new(230, "connector_oauth_accounts",
            Sqlite: """
                CREATE TABLE tenant_integration_accounts (
                    id TEXT NOT NULL PRIMARY KEY,
                    tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
                    integration TEXT NOT NULL,
                    label TEXT NOT NULL,
                    subject TEXT NULL,
                    tokens BLOB NOT NULL,
                    stamp TEXT NOT NULL,
                    refresh_claimed_until INTEGER NULL,
                    invalid_at INTEGER NULL,
                    invalid_reason TEXT NULL,
                    connected_at INTEGER NOT NULL,
                    connected_by TEXT NULL,
                    updated_at INTEGER NOT NULL
                );
                CREATE INDEX ix_tenant_integration_accounts_tenant ON tenant_integration_accounts (tenant_id, integration);
                CREATE TABLE connector_oauth_clients (
                    connector TEXT NOT NULL PRIMARY KEY,
                    provider TEXT NOT NULL,
                    issuer TEXT NULL,
                    authorization_endpoint TEXT NOT NULL,
                    token_endpoint TEXT NOT NULL,
                    userinfo_endpoint TEXT NULL,
                    redirect_uri TEXT NOT NULL,
                    client_id TEXT NOT NULL,
                    client_secret BLOB NULL,
                    created_at INTEGER NOT NULL
                );
                CREATE TABLE connector_oauth_states (
                    id TEXT NOT NULL PRIMARY KEY,
                    connector TEXT NOT NULL,
                    tenant_id TEXT NOT NULL,
                    user_id TEXT NOT NULL,
                    label TEXT NOT NULL,
                    code_verifier BLOB NOT NULL,
                    created_at INTEGER NOT NULL,
                    expires_at INTEGER NOT NULL
                );
                """,
            Postgres: """
                CREATE TABLE tenant_integration_accounts (
                    id text NOT NULL PRIMARY KEY,
                    tenant_id text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
                    integration text NOT NULL,
                    label text NOT NULL,
                    subject text NULL,
                    tokens bytea NOT NULL,
                    stamp text NOT NULL,
                    refresh_claimed_until bigint NULL,
                    invalid_at bigint NULL,
                    invalid_reason text NULL,
                    connected_at bigint NOT NULL,
                    connected_by text NULL,
                    updated_at bigint NOT NULL
                );
                CREATE INDEX ix_tenant_integration_accounts_tenant ON tenant_integration_accounts (tenant_id, integration);
                CREATE TABLE connector_oauth_clients (
                    connector text NOT NULL PRIMARY KEY,
                    provider text NOT NULL,
                    issuer text NULL,
                    authorization_endpoint text NOT NULL,
                    token_endpoint text NOT NULL,
                    userinfo_endpoint text NULL,
                    redirect_uri text NOT NULL,
                    client_id text NOT NULL,
                    client_secret bytea NULL,
                    created_at bigint NOT NULL
                );
                CREATE TABLE connector_oauth_states (
                    id text NOT NULL PRIMARY KEY,
                    connector text NOT NULL,
                    tenant_id text NOT NULL,
                    user_id text NOT NULL,
                    label text NOT NULL,
                    code_verifier bytea NOT NULL,
                    created_at bigint NOT NULL,
                    expires_at bigint NOT NULL
                );
                """),
    ];
}
