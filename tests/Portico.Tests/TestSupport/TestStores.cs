using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Portico.Tests.TestSupport;

/// <summary>
/// Where test servers keep their state: a fresh SQLite file by default, or a fresh PostgreSQL
/// database when <c>PORTICO_TEST_POSTGRES</c> holds a connection string (CI runs the suite both ways).
/// </summary>
internal static class TestStores
{
    /// <summary>The setting (as an environment variable) that carries the key-encryption key on PostgreSQL runs.</summary>
    public const string KeyEncryptionKeyVariable = "Portico__Security__KeyEncryptionKey";

    /// <summary>
    /// On PostgreSQL runs every server, peer, child process and in-process CLI command of this test run
    /// shares one key-encryption key through the environment, as the instances of a cluster share one
    /// (a PostgreSQL store refuses to start without). Set before any test starts, so no command runs
    /// without it. SQLite runs use the default: the key file beside each store.
    /// </summary>
    [System.Runtime.CompilerServices.ModuleInitializer]
    internal static void ShareOneKeyEncryptionKeyOnPostgres()
    {
        if (Postgres is not null && Environment.GetEnvironmentVariable(KeyEncryptionKeyVariable) is null)
        {
            Environment.SetEnvironmentVariable(KeyEncryptionKeyVariable, Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
        }
    }

    public static string? Postgres => Environment.GetEnvironmentVariable("PORTICO_TEST_POSTGRES") is { Length: > 0 } value ? value : null;

    public static bool IsPostgres(string store) => store.Contains("Host=", StringComparison.OrdinalIgnoreCase);

    public static async Task<string> CreateAsync(string directory)
    {
        if (Postgres is not { } admin)
        {
            return Path.Combine(directory, "portico.db");
        }

        var database = $"portico_test_{Guid.NewGuid():N}";
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var create = connection.CreateCommand();
            create.CommandText = $"CREATE DATABASE \"{database}\"";
            await create.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(admin) { Database = database }.ConnectionString;
    }

    /// <summary>Runs a scalar query against <paramref name="store"/> directly, as an operator with psql or sqlite3 would.</summary>
    public static async Task<long> ScalarAsync(string store, string sql)
    {
        await using DbConnection connection = IsPostgres(store) ? new NpgsqlConnection(store) : new SqliteConnection($"Data Source={store}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public static async Task DropAsync(string store)
    {
        if (!IsPostgres(store) || Postgres is not { } admin)
        {
            return;
        }

        NpgsqlConnection.ClearAllPools();
        var database = new NpgsqlConnectionStringBuilder(store).Database;
        await using var connection = new NpgsqlConnection(admin);
        await connection.OpenAsync();
        await using var drop = connection.CreateCommand();
        drop.CommandText = $"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)";
        await drop.ExecuteNonQueryAsync();
    }
}
