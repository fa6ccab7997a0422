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
        new(2, "access",
            Sqlite: """
                CREATE TABLE users (
                    id TEXT NOT NULL PRIMARY KEY,
                    email TEXT NOT NULL,
                    display_name TEXT NULL,
                    created_at INTEGER NOT NULL
                );
                CREATE UNIQUE INDEX ux_users_email ON users (email);
                CREATE TABLE tenants (
                    id TEXT NOT NULL PRIMARY KEY,
                    name TEXT NOT NULL,
                    plan_key TEXT NOT NULL,
                    created_at INTEGER NOT NULL
                );
                CREATE TABLE memberships (
                    tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
                    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                    role TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    PRIMARY KEY (tenant_id, user_id)
                );
                CREATE INDEX ix_memberships_user_id ON memberships (user_id);
                CREATE TABLE api_keys (
                    id TEXT NOT NULL PRIMARY KEY,
                    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                    name TEXT NOT NULL,
                    environment TEXT NOT NULL,
                    secret_hash BLOB NOT NULL,
                    scopes TEXT NOT NULL,
                    tenant_id TEXT NULL REFERENCES tenants (id) ON DELETE CASCADE,
                    created_at INTEGER NOT NULL,
                    expires_at INTEGER NULL,
                    revoked_at INTEGER NULL,
                    last_used_at INTEGER NULL,
                    use_count INTEGER NOT NULL DEFAULT 0
                );
                CREATE INDEX ix_api_keys_user_id ON api_keys (user_id);
                CREATE TABLE store_changes (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    topic TEXT NOT NULL,
                    subject TEXT NOT NULL,
                    at INTEGER NOT NULL
                );
                ALTER TABLE mcp_sessions ADD COLUMN active_tenant_id TEXT NULL;
                """,
            Postgres: """
                CREATE TABLE users (
                    id text NOT NULL PRIMARY KEY,
                    email text NOT NULL,
                    display_name text NULL,
                    created_at bigint NOT NULL
                );
                CREATE UNIQUE INDEX ux_users_email ON users (email);
                CREATE TABLE tenants (
                    id text NOT NULL PRIMARY KEY,
                    name text NOT NULL,
                    plan_key text NOT NULL,
                    created_at bigint NOT NULL
                );
                CREATE TABLE memberships (
                    tenant_id text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
                    user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                    role text NOT NULL,
                    created_at bigint NOT NULL,
                    PRIMARY KEY (tenant_id, user_id)
                );
                CREATE INDEX ix_memberships_user_id ON memberships (user_id);
                CREATE TABLE api_keys (
                    id text NOT NULL PRIMARY KEY,
                    user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                    name text NOT NULL,
                    environment text NOT NULL,
                    secret_hash bytea NOT NULL,
                    scopes text NOT NULL,
                    tenant_id text NULL REFERENCES tenants (id) ON DELETE CASCADE,
                    created_at bigint NOT NULL,
                    expires_at bigint NULL,
                    revoked_at bigint NULL,
                    last_used_at bigint NULL,
                    use_count bigint NOT NULL DEFAULT 0
                );
                CREATE INDEX ix_api_keys_user_id ON api_keys (user_id);
                CREATE TABLE store_changes (
                    id bigserial PRIMARY KEY,
                    topic text NOT NULL,
                    subject text NOT NULL,
                    at bigint NOT NULL
                );
                ALTER TABLE mcp_sessions ADD COLUMN active_tenant_id text NULL;
                """),
    ];

    public static int Latest => All[^1].Version;
}
