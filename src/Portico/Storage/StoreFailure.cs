using System.Data.Common;

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
}
