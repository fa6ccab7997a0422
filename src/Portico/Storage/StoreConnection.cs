using Microsoft.Data.Sqlite;
using Npgsql;

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
            return ParsePostgresUrl(store);
        }

        if (store.Contains("Host=", StringComparison.OrdinalIgnoreCase))
        {
            var pg = new NpgsqlConnectionStringBuilder(store);
            return new StoreConnection(StoreProvider.Postgres, pg.ConnectionString, $"postgres://{pg.Host}:{pg.Port}/{pg.Database}");
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

    private static StoreConnection ParsePostgresUrl(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
        {
            throw new StoreConfigurationException($"The store '{Redact(url)}' is not a valid PostgreSQL URL.",
                "Use postgres://USER:PASSWORD@HOST:PORT/DATABASE (or a Host=…;Database=… connection string).");
        }

        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host,
            Port = uri.IsDefaultPort || uri.Port <= 0 ? 5432 : uri.Port,
            Database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/')) is { Length: > 0 } database ? database : "portico",
            MaxPoolSize = 50,
        };
        if (uri.UserInfo.Length > 0)
        {
            var parts = uri.UserInfo.Split(':', 2);
            builder.Username = Uri.UnescapeDataString(parts[0]);
            if (parts.Length == 2)
            {
                builder.Password = Uri.UnescapeDataString(parts[1]);
            }
        }

        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var (key, value) = pair.Split('=', 2) is [var k, var v] ? (Uri.UnescapeDataString(k), Uri.UnescapeDataString(v)) : (pair, "");
            try
            {
                builder[key == "sslmode" ? "SSL Mode" : key] = value;
            }
            catch (ArgumentException)
            {
                throw new StoreConfigurationException($"The PostgreSQL URL option '{key}' is not understood.", "Remove it, or pass a full connection string instead of a URL.");
            }
        }

        return new StoreConnection(StoreProvider.Postgres, builder.ConnectionString, $"postgres://{builder.Host}:{builder.Port}/{builder.Database}");
    }

    /// <summary>The store setting with any password replaced, for messages and logs.</summary>
    public static string Redact(string url)
    {
        var at = url.IndexOf('@', StringComparison.Ordinal);
        var scheme = url.IndexOf("://", StringComparison.Ordinal);
        return at > 0 && scheme > 0 ? string.Concat(url.AsSpan(0, scheme + 3), "***", url.AsSpan(at)) : url;
    }
}
