namespace Portico.Storage;

/// <summary>
/// The schema, in order. EF Core's design-time tooling is not available, so each step is plain
/// SQL per provider; a step is never edited once released — add a new one instead.
/// </summary>
internal static partial class StoreMigrations
{
    public static IReadOnlyList<StoreMigration> All { get; } = [.. Foundation, .. SecurityReview, .. Architecture, .. Tasks, .. Bridge, .. UpstreamTasks, .. Integrations, .. UpstreamHealth, .. Observe, .. Operate, .. Connectors, .. Approvals, .. Toolsets, .. ConnectorAccounts];

    /// <summary>Steps 1–13: sessions, access, records, limits and audit, identity, gateway.</summary>
    private static StoreMigration[] Foundation =>
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
        new(3, "records",
            Sqlite: """
                CREATE TABLE records (
                    tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
                    id TEXT NOT NULL,
                    collection TEXT NOT NULL,
                    data TEXT NOT NULL,
                    created_by TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL,
                    version INTEGER NOT NULL DEFAULT 1,
                    idempotency_key TEXT NULL,
                    PRIMARY KEY (tenant_id, id)
                );
                CREATE INDEX ix_records_tenant_id_created_at ON records (tenant_id, created_at, id);
                CREATE INDEX ix_records_tenant_id_collection_created_at ON records (tenant_id, collection, created_at, id);
                CREATE UNIQUE INDEX ux_records_tenant_id_idempotency_key ON records (tenant_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
                """,
            Postgres: """
                CREATE TABLE records (
                    tenant_id text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
                    id text NOT NULL,
                    collection text NOT NULL,
                    data text NOT NULL,
                    created_by text NOT NULL,
                    created_at bigint NOT NULL,
                    updated_at bigint NOT NULL,
                    version integer NOT NULL DEFAULT 1,
                    idempotency_key text NULL,
                    PRIMARY KEY (tenant_id, id)
                );
                CREATE INDEX ix_records_tenant_id_created_at ON records (tenant_id, created_at, id);
                CREATE INDEX ix_records_tenant_id_collection_created_at ON records (tenant_id, collection, created_at, id);
                CREATE UNIQUE INDEX ux_records_tenant_id_idempotency_key ON records (tenant_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
                """),
        new(4, "rate_limits_and_audit",
            Sqlite: """
                CREATE TABLE rate_limit_events (
                    key TEXT NOT NULL,
                    at INTEGER NOT NULL
                );
                CREATE INDEX ix_rate_limit_events_key_at ON rate_limit_events (key, at);
                CREATE TABLE audit_records (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    at INTEGER NOT NULL,
                    request_id TEXT NOT NULL,
                    session_id TEXT NULL,
                    user_id TEXT NULL,
                    credential_id TEXT NULL,
                    tenant_id TEXT NULL,
                    tool TEXT NOT NULL,
                    outcome TEXT NOT NULL,
                    error_code TEXT NULL,
                    duration_ms INTEGER NOT NULL,
                    argument_bytes INTEGER NOT NULL,
                    arguments TEXT NULL
                );
                CREATE INDEX ix_audit_records_at ON audit_records (at);
                CREATE INDEX ix_audit_records_request_id ON audit_records (request_id);
                CREATE INDEX ix_audit_records_session_id ON audit_records (session_id, at);
                CREATE INDEX ix_audit_records_tenant_id ON audit_records (tenant_id, at);
                CREATE INDEX ix_audit_records_tool ON audit_records (tool, at);
                """,
            Postgres: """
                CREATE TABLE rate_limit_events (
                    key text NOT NULL,
                    at bigint NOT NULL
                );
                CREATE INDEX ix_rate_limit_events_key_at ON rate_limit_events (key, at);
                CREATE TABLE audit_records (
                    id bigserial PRIMARY KEY,
                    at bigint NOT NULL,
                    request_id text NOT NULL,
                    session_id text NULL,
                    user_id text NULL,
                    credential_id text NULL,
                    tenant_id text NULL,
                    tool text NOT NULL,
                    outcome text NOT NULL,
                    error_code text NULL,
                    duration_ms bigint NOT NULL,
                    argument_bytes bigint NOT NULL,
                    arguments text NULL
                );
                CREATE INDEX ix_audit_records_at ON audit_records (at);
                CREATE INDEX ix_audit_records_request_id ON audit_records (request_id);
                CREATE INDEX ix_audit_records_session_id ON audit_records (session_id, at);
                CREATE INDEX ix_audit_records_tenant_id ON audit_records (tenant_id, at);
                CREATE INDEX ix_audit_records_tool ON audit_records (tool, at);
                """),
        new(5, "identity",
            Sqlite: """
                ALTER TABLE users ADD COLUMN password_hash TEXT NULL;
                ALTER TABLE users ADD COLUMN failed_logins INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE users ADD COLUMN locked_until INTEGER NULL;
                CREATE TABLE oauth_clients (
                    id TEXT NOT NULL PRIMARY KEY,
                    secret_hash BLOB NULL,
                    name TEXT NULL,
                    auth_method TEXT NOT NULL,
                    redirect_uris TEXT NOT NULL,
                    grant_types TEXT NOT NULL,
                    scope TEXT NULL,
                    created_at INTEGER NOT NULL
                );
                CREATE TABLE oauth_grants (
                    id TEXT NOT NULL PRIMARY KEY,
                    client_id TEXT NOT NULL REFERENCES oauth_clients (id) ON DELETE CASCADE,
                    user_id TEXT NULL REFERENCES users (id) ON DELETE CASCADE,
                    scopes TEXT NOT NULL,
                    resource TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    revoked_at INTEGER NULL
                );
                CREATE INDEX ix_oauth_grants_user_id ON oauth_grants (user_id);
                CREATE TABLE oauth_codes (
                    id TEXT NOT NULL PRIMARY KEY,
                    client_id TEXT NOT NULL REFERENCES oauth_clients (id) ON DELETE CASCADE,
                    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                    redirect_uri TEXT NOT NULL,
                    scopes TEXT NOT NULL,
                    resource TEXT NOT NULL,
                    code_challenge TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    expires_at INTEGER NOT NULL,
                    used_at INTEGER NULL,
                    grant_id TEXT NULL
                );
                CREATE INDEX ix_oauth_codes_expires_at ON oauth_codes (expires_at);
                CREATE TABLE oauth_refresh_tokens (
                    id TEXT NOT NULL PRIMARY KEY,
                    grant_id TEXT NOT NULL REFERENCES oauth_grants (id) ON DELETE CASCADE,
                    created_at INTEGER NOT NULL,
                    expires_at INTEGER NOT NULL,
                    rotated_at INTEGER NULL
                );
                CREATE INDEX ix_oauth_refresh_tokens_grant_id ON oauth_refresh_tokens (grant_id);
                CREATE TABLE oauth_signing_keys (
                    id TEXT NOT NULL PRIMARY KEY,
                    private_key BLOB NOT NULL,
                    created_at INTEGER NOT NULL,
                    retired_at INTEGER NULL
                );
                CREATE TABLE identity_browser_sessions (
                    id TEXT NOT NULL PRIMARY KEY,
                    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                    created_at INTEGER NOT NULL,
                    expires_at INTEGER NOT NULL
                );
                CREATE TABLE oauth_device_codes (
                    id TEXT NOT NULL PRIMARY KEY,
                    user_code TEXT NOT NULL,
                    client_id TEXT NOT NULL REFERENCES oauth_clients (id) ON DELETE CASCADE,
                    scopes TEXT NOT NULL,
                    resource TEXT NOT NULL,
                    status TEXT NOT NULL,
                    user_id TEXT NULL REFERENCES users (id) ON DELETE CASCADE,
                    grant_id TEXT NULL,
                    session_id TEXT NULL,
                    interval_seconds INTEGER NOT NULL,
                    created_at INTEGER NOT NULL,
                    expires_at INTEGER NOT NULL,
                    last_polled_at INTEGER NULL
                );
                CREATE UNIQUE INDEX ux_oauth_device_codes_user_code ON oauth_device_codes (user_code);
                """,
            Postgres: """
                ALTER TABLE users ADD COLUMN password_hash text NULL;
                ALTER TABLE users ADD COLUMN failed_logins integer NOT NULL DEFAULT 0;
                ALTER TABLE users ADD COLUMN locked_until bigint NULL;
                CREATE TABLE oauth_clients (
                    id text NOT NULL PRIMARY KEY,
                    secret_hash bytea NULL,
                    name text NULL,
                    auth_method text NOT NULL,
                    redirect_uris text NOT NULL,
                    grant_types text NOT NULL,
                    scope text NULL,
                    created_at bigint NOT NULL
                );
                CREATE TABLE oauth_grants (
                    id text NOT NULL PRIMARY KEY,
                    client_id text NOT NULL REFERENCES oauth_clients (id) ON DELETE CASCADE,
                    user_id text NULL REFERENCES users (id) ON DELETE CASCADE,
                    scopes text NOT NULL,
                    resource text NOT NULL,
                    created_at bigint NOT NULL,
                    revoked_at bigint NULL
                );
                CREATE INDEX ix_oauth_grants_user_id ON oauth_grants (user_id);
                CREATE TABLE oauth_codes (
                    id text NOT NULL PRIMARY KEY,
                    client_id text NOT NULL REFERENCES oauth_clients (id) ON DELETE CASCADE,
                    user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                    redirect_uri text NOT NULL,
                    scopes text NOT NULL,
                    resource text NOT NULL,
                    code_challenge text NOT NULL,
                    created_at bigint NOT NULL,
                    expires_at bigint NOT NULL,
                    used_at bigint NULL,
                    grant_id text NULL
                );
                CREATE INDEX ix_oauth_codes_expires_at ON oauth_codes (expires_at);
                CREATE TABLE oauth_refresh_tokens (
                    id text NOT NULL PRIMARY KEY,
                    grant_id text NOT NULL REFERENCES oauth_grants (id) ON DELETE CASCADE,
                    created_at bigint NOT NULL,
                    expires_at bigint NOT NULL,
                    rotated_at bigint NULL
                );
                CREATE INDEX ix_oauth_refresh_tokens_grant_id ON oauth_refresh_tokens (grant_id);
                CREATE TABLE oauth_signing_keys (
                    id text NOT NULL PRIMARY KEY,
                    private_key bytea NOT NULL,
                    created_at bigint NOT NULL,
                    retired_at bigint NULL
                );
                CREATE TABLE identity_browser_sessions (
                    id text NOT NULL PRIMARY KEY,
                    user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                    created_at bigint NOT NULL,
                    expires_at bigint NOT NULL
                );
                CREATE TABLE oauth_device_codes (
                    id text NOT NULL PRIMARY KEY,
                    user_code text NOT NULL,
                    client_id text NOT NULL REFERENCES oauth_clients (id) ON DELETE CASCADE,
                    scopes text NOT NULL,
                    resource text NOT NULL,
                    status text NOT NULL,
                    user_id text NULL REFERENCES users (id) ON DELETE CASCADE,
                    grant_id text NULL,
                    session_id text NULL,
                    interval_seconds integer NOT NULL,
                    created_at bigint NOT NULL,
                    expires_at bigint NOT NULL,
                    last_polled_at bigint NULL
                );
                CREATE UNIQUE INDEX ux_oauth_device_codes_user_code ON oauth_device_codes (user_code);
                """),
        new(6, "gateway",
            Sqlite: """
                CREATE TABLE gateway_upstreams (
                    name TEXT NOT NULL PRIMARY KEY,
                    transport TEXT NOT NULL,
                    url TEXT NULL,
                    headers TEXT NOT NULL,
                    command TEXT NULL,
                    args TEXT NOT NULL,
                    env TEXT NOT NULL,
                    working_directory TEXT NULL,
                    enabled INTEGER NOT NULL,
                    allow_tools TEXT NOT NULL,
                    deny_tools TEXT NOT NULL,
                    timeout_ms INTEGER NOT NULL,
                    credential_mode TEXT NOT NULL,
                    created_at INTEGER NOT NULL
                );
                """,
            Postgres: """
                CREATE TABLE gateway_upstreams (
                    name text NOT NULL PRIMARY KEY,
                    transport text NOT NULL,
                    url text NULL,
                    headers text NOT NULL,
                    command text NULL,
                    args text NOT NULL,
                    env text NOT NULL,
                    working_directory text NULL,
                    enabled boolean NOT NULL,
                    allow_tools text NOT NULL,
                    deny_tools text NOT NULL,
                    timeout_ms bigint NOT NULL,
                    credential_mode text NOT NULL,
                    created_at bigint NOT NULL
                );
                """),
        new(7, "vault",
            Sqlite: """
                CREATE TABLE data_protection_keys (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    friendly_name TEXT NOT NULL,
                    xml TEXT NOT NULL,
                    created_at INTEGER NOT NULL
                );
                ALTER TABLE gateway_upstreams ADD COLUMN credential_header TEXT NOT NULL DEFAULT 'Authorization';
                ALTER TABLE gateway_upstreams ADD COLUMN credential_format TEXT NOT NULL DEFAULT 'Bearer {secret}';
                CREATE TABLE upstream_credentials (
                    upstream TEXT NOT NULL REFERENCES gateway_upstreams (name) ON DELETE CASCADE,
                    owner_kind TEXT NOT NULL,
                    owner_id TEXT NOT NULL,
                    secret BLOB NOT NULL,
                    stamp TEXT NOT NULL,
                    updated_by TEXT NULL,
                    created_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL,
                    invalid_at INTEGER NULL,
                    invalid_reason TEXT NULL,
                    PRIMARY KEY (upstream, owner_kind, owner_id)
                );
                """,
            Postgres: """
                CREATE TABLE data_protection_keys (
                    id bigserial PRIMARY KEY,
                    friendly_name text NOT NULL,
                    xml text NOT NULL,
                    created_at bigint NOT NULL
                );
                ALTER TABLE gateway_upstreams ADD COLUMN credential_header text NOT NULL DEFAULT 'Authorization';
                ALTER TABLE gateway_upstreams ADD COLUMN credential_format text NOT NULL DEFAULT 'Bearer {secret}';
                CREATE TABLE upstream_credentials (
                    upstream text NOT NULL REFERENCES gateway_upstreams (name) ON DELETE CASCADE,
                    owner_kind text NOT NULL,
                    owner_id text NOT NULL,
                    secret bytea NOT NULL,
                    stamp text NOT NULL,
                    updated_by text NULL,
                    created_at bigint NOT NULL,
                    updated_at bigint NOT NULL,
                    invalid_at bigint NULL,
                    invalid_reason text NULL,
                    PRIMARY KEY (upstream, owner_kind, owner_id)
                );
                """),
        // The rate-limit log becomes one row per key, so a check is one atomic statement (an upsert
        // that prunes, counts and appends) instead of a locked transaction of four. Windows in flight
        // at the upgrade start afresh.
        new(8, "rate_limit_windows",
            Sqlite: """
                DROP TABLE rate_limit_events;
                CREATE TABLE rate_limit_windows (
                    key TEXT NOT NULL PRIMARY KEY,
                    hits TEXT NOT NULL,
                    granted INTEGER NOT NULL,
                    touched_at INTEGER NOT NULL
                );
                CREATE INDEX ix_rate_limit_windows_touched_at ON rate_limit_windows (touched_at);
                """,
            Postgres: """
                DROP TABLE rate_limit_events;
                CREATE TABLE rate_limit_windows (
                    key text NOT NULL PRIMARY KEY,
                    hits bigint[] NOT NULL,
                    granted bigint NOT NULL,
                    touched_at bigint NOT NULL
                );
                CREATE INDEX ix_rate_limit_windows_touched_at ON rate_limit_windows (touched_at);
                """),
        // PostgreSQL tells listening instances about each change as it commits (LISTEN/NOTIFY), whoever
        // wrote it (a server or the CLI); SQLite instances keep polling the log.
        new(9, "store_changes_notify",
            Sqlite: "SELECT 1;",
            Postgres: """
                CREATE FUNCTION portico_store_changes_notify() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    PERFORM pg_notify('portico_store_changes', NEW.id::text);
                    RETURN NEW;
                END;
                $$;
                CREATE TRIGGER store_changes_notify AFTER INSERT ON store_changes
                    FOR EACH ROW EXECUTE FUNCTION portico_store_changes_notify();
                """),
        // A tenant may restrict which upstream tools its members see (names or trailing-* patterns, one per line).
        new(10, "tenant_tool_allowlists",
            Sqlite: """
                CREATE TABLE tenant_tool_allowlists (
                    tenant_id TEXT NOT NULL PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
                    patterns TEXT NOT NULL,
                    updated_by TEXT NULL,
                    updated_at INTEGER NOT NULL
                );
                """,
            Postgres: """
                CREATE TABLE tenant_tool_allowlists (
                    tenant_id text NOT NULL PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
                    patterns text NOT NULL,
                    updated_by text NULL,
                    updated_at bigint NOT NULL
                );
                """),
        // Portico as the OAuth client of upstreams (credential mode 'oauth'): its registration at each
        // upstream's authorization server, and the sign-ins under way (any instance finishes a callback).
        new(11, "upstream_oauth",
            Sqlite: """
                CREATE TABLE upstream_oauth_clients (
                    upstream TEXT NOT NULL PRIMARY KEY REFERENCES gateway_upstreams (name) ON DELETE CASCADE,
                    issuer TEXT NOT NULL,
                    authorization_endpoint TEXT NOT NULL,
                    token_endpoint TEXT NOT NULL,
                    resource TEXT NOT NULL,
                    redirect_uri TEXT NOT NULL,
                    client_id TEXT NOT NULL,
                    client_secret BLOB NULL,
                    created_at INTEGER NOT NULL
                );
                CREATE TABLE upstream_oauth_states (
                    id TEXT NOT NULL PRIMARY KEY,
                    upstream TEXT NOT NULL REFERENCES gateway_upstreams (name) ON DELETE CASCADE,
                    user_id TEXT NOT NULL,
                    code_verifier BLOB NOT NULL,
                    created_at INTEGER NOT NULL,
                    expires_at INTEGER NOT NULL
                );
                CREATE INDEX ix_upstream_oauth_states_expires_at ON upstream_oauth_states (expires_at);
                """,
            Postgres: """
                CREATE TABLE upstream_oauth_clients (
                    upstream text NOT NULL PRIMARY KEY REFERENCES gateway_upstreams (name) ON DELETE CASCADE,
                    issuer text NOT NULL,
                    authorization_endpoint text NOT NULL,
                    token_endpoint text NOT NULL,
                    resource text NOT NULL,
                    redirect_uri text NOT NULL,
                    client_id text NOT NULL,
                    client_secret bytea NULL,
                    created_at bigint NOT NULL
                );
                CREATE TABLE upstream_oauth_states (
                    id text NOT NULL PRIMARY KEY,
                    upstream text NOT NULL REFERENCES gateway_upstreams (name) ON DELETE CASCADE,
                    user_id text NOT NULL,
                    code_verifier bytea NOT NULL,
                    created_at bigint NOT NULL,
                    expires_at bigint NOT NULL
                );
                CREATE INDEX ix_upstream_oauth_states_expires_at ON upstream_oauth_states (expires_at);
                """),
        // Portico administrators are users (granted portico/admin in OAuth tokens only if flagged), and
        // signing keys are now stored protected by Data Protection: keys written in plain text by earlier
        // builds are dropped, so a new protected key signs from the first request (clients holding a token
        // signed by a dropped key get 401 invalid_token and refresh).
        new(13, "identity_admins_protected_signing_keys",
            Sqlite: """
                ALTER TABLE users ADD COLUMN is_admin INTEGER NOT NULL DEFAULT 0;
                DELETE FROM oauth_signing_keys;
                """,
            Postgres: """
                ALTER TABLE users ADD COLUMN is_admin boolean NOT NULL DEFAULT false;
                DELETE FROM oauth_signing_keys;
                """),
    ];

    public static int Latest => All[^1].Version;
}
