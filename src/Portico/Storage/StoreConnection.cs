using Microsoft.Data.Sqlite;

namespace Portico.Storage;

/// <summary>The store setting resolved to a provider and a connection string.</summary>
internal sealed record StoreConnection(StoreProvider Provider, string ConnectionString, string Display)
{
    public static StoreConnection Parse(string store)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(store);
        if (store.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) ||
            store.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
        {
            throw new StoreConfigurationException(
                $"The store '{Redact(store)}' is PostgreSQL, which this build does not support yet.",
                "Use a SQLite file path such as --store portico.db.");
        }

        var builder = store.Contains('=', StringComparison.Ordinal)
            ? new SqliteConnectionStringBuilder(store)
            : new SqliteConnectionStringBuilder { DataSource = store };
        if (builder.DataSource.Length == 0)
        {
            throw new StoreConfigurationException("The SQLite store has no Data Source.", "Pass a file path such as --store portico.db.");
        }

        builder.DataSource = Path.GetFullPath(builder.DataSource);
        builder.Pooling = true;
        builder.ForeignKeys = true;
        builder.DefaultTimeout = 30;
        return new StoreConnection(StoreProvider.Sqlite, builder.ToString(), builder.DataSource);
    }

    private static string Redact(string url)
    {
        var at = url.IndexOf('@', StringComparison.Ordinal);
        var scheme = url.IndexOf("://", StringComparison.Ordinal);
        return at > 0 && scheme > 0 ? string.Concat(url.AsSpan(0, scheme + 3), "***", url.AsSpan(at)) : url;
    }
}
