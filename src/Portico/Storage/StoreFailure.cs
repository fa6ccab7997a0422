using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Portico.Storage;

/// <summary>Finds the database error inside what EF Core throws (it wraps transient failures), so callers can report it plainly.</summary>
internal static class StoreFailure
{
    public static DbException? Of(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is DbException db)
            {
                return db;
            }
        }

        return null;
    }

    /// <summary>SQLITE_CONSTRAINT_UNIQUE, the extended result code of a unique index violation.</summary>
    private const int SqliteUniqueConstraint = 2067;

    /// <summary>SQLITE_CONSTRAINT_PRIMARYKEY: the same race on a table whose primary key is the unique key.</summary>
    private const int SqlitePrimaryKeyConstraint = 1555;

    /// <summary>PostgreSQL's unique_violation SQLSTATE.</summary>
    private const string PostgresUniqueViolation = "23505";

    /// <summary>Whether a write lost to a unique index or primary key (two callers racing to insert one key), on either store.</summary>
    public static bool IsUniqueViolation(Exception exception) => Of(exception) switch
    {
        SqliteException sqlite => sqlite.SqliteExtendedErrorCode is SqliteUniqueConstraint or SqlitePrimaryKeyConstraint,
        { } other => other.SqlState == PostgresUniqueViolation,
        null => false,
    };
}
