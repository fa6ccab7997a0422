namespace Portico.Storage;

internal static partial class StoreMigrations
{
    /// <summary>The steps the security review brought (client trust, spent connect links, the session cap's index).</summary>
    private static StoreMigration[] SecurityReview =>
    [
        // Which clients an operator vouches for (self-registered and metadata-document clients are marked unverified
        // on the pages and never get client_credentials), the service principal and tenant of a client_credentials
        // client, the resource servers allowed to introspect any token, and the MCP client a session's device code is
        // for. Clients stored before this step cannot be told apart: they count as unverified until re-added.
        new(20, "identity_client_trust",
            Sqlite: """
                ALTER TABLE oauth_clients ADD COLUMN operator_registered INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE oauth_clients ADD COLUMN service_user_id TEXT NULL REFERENCES users (id) ON DELETE CASCADE;
                ALTER TABLE oauth_clients ADD COLUMN tenant_id TEXT NULL REFERENCES tenants (id) ON DELETE CASCADE;
                ALTER TABLE oauth_clients ADD COLUMN may_introspect INTEGER NOT NULL DEFAULT 0;
                UPDATE oauth_clients SET operator_registered = 1 WHERE id = 'portico-session';
                ALTER TABLE oauth_device_codes ADD COLUMN session_client_name TEXT NULL;
                ALTER TABLE oauth_device_codes ADD COLUMN session_client_version TEXT NULL;
                """,
            Postgres: """
                ALTER TABLE oauth_clients ADD COLUMN operator_registered boolean NOT NULL DEFAULT false;
                ALTER TABLE oauth_clients ADD COLUMN service_user_id text NULL REFERENCES users (id) ON DELETE CASCADE;
                ALTER TABLE oauth_clients ADD COLUMN tenant_id text NULL REFERENCES tenants (id) ON DELETE CASCADE;
                ALTER TABLE oauth_clients ADD COLUMN may_introspect boolean NOT NULL DEFAULT false;
                UPDATE oauth_clients SET operator_registered = true WHERE id = 'portico-session';
                ALTER TABLE oauth_device_codes ADD COLUMN session_client_name text NULL;
                ALTER TABLE oauth_device_codes ADD COLUMN session_client_version text NULL;
                """),
        // A connect link to an oauth upstream works once: opening it records its id here, and a second
        // opening (on any instance) finds the row. Rows go once the link would have expired anyway.
        new(40, "upstream_oauth_spent_links",
            Sqlite: """
                CREATE TABLE upstream_oauth_spent_links (
                    id TEXT NOT NULL PRIMARY KEY,
                    expires_at INTEGER NOT NULL
                );
                CREATE INDEX ix_upstream_oauth_spent_links_expires_at ON upstream_oauth_spent_links (expires_at);
                """,
            Postgres: """
                CREATE TABLE upstream_oauth_spent_links (
                    id text NOT NULL PRIMARY KEY,
                    expires_at bigint NOT NULL
                );
                CREATE INDEX ix_upstream_oauth_spent_links_expires_at ON upstream_oauth_spent_links (expires_at);
                """),
        // The per-principal session cap counts a principal's open sessions at every initialize.
        new(50, "mcp_sessions_owner_index",
            Sqlite: """
                CREATE INDEX ix_mcp_sessions_owner_id ON mcp_sessions (owner_id);
                """,
            Postgres: """
                CREATE INDEX ix_mcp_sessions_owner_id ON mcp_sessions (owner_id);
                """),
    ];
}
