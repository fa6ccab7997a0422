namespace Portico.Storage;

internal static partial class StoreMigrations
{
    /// <summary>Steps 130–139: what the portal's audit search and charts read.</summary>
    private static StoreMigration[] Observe =>
    [
        // A member's search, charts and export read their own calls: by user, newest first.
        new(130, "audit_records_user_id",
            Sqlite: "CREATE INDEX ix_audit_records_user_id ON audit_records (user_id, at);",
            Postgres: "CREATE INDEX ix_audit_records_user_id ON audit_records (user_id, at);"),
    ];
}
