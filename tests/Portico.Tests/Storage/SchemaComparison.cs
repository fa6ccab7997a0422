using System.Data.Common;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Portico.Storage;

namespace Portico.Tests.Storage;

/// <summary>
/// Compares an EF model with the schema a database actually has: every mapped table and column exists, with the
/// store type, nullability and primary key the model expects; mapped tables have no columns the model does not know;
/// and every other table is one the caller names as deliberately outside the model.
/// </summary>
internal static partial class SchemaComparison
{
    public static async Task<IReadOnlyList<string>> CompareAsync(IModel model, DbConnection connection, StoreProvider provider,
        IReadOnlyDictionary<string, string> tablesOutsideTheModel, CancellationToken cancellationToken)
    {
        var database = await ReadAsync(connection, provider, cancellationToken);
        var problems = new List<string>();
        var mapped = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entity in model.GetEntityTypes().Where(e => e.GetTableName() is not null).OrderBy(e => e.GetTableName(), StringComparer.Ordinal))
        {
            var table = entity.GetTableName()!;
            mapped.Add(table);
            var storeObject = StoreObjectIdentifier.Table(table, entity.GetSchema());
            if (!database.TryGetValue(table, out var columns))
            {
                problems.Add($"{table}: the model maps {entity.ClrType.Name} to it, the database has no such table (add a migration step that creates it)");
                continue;
            }

            var known = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in entity.GetProperties())
            {
                var name = property.GetColumnName(storeObject)!;
                known.Add(name);
                if (!columns.TryGetValue(name, out var column))
                {
                    problems.Add($"{table}.{name}: the model has it ({entity.ClrType.Name}.{property.Name}, {property.GetColumnType()}), the database does not");
                    continue;
                }

                var modelType = Normalize(property.GetColumnType(), provider);
                if (modelType != column.Type)
                {
                    problems.Add($"{table}.{name}: the model says type {modelType}, the database says {column.Type}");
                }

                var nullable = property.IsColumnNullable(storeObject);
                if (nullable != column.Nullable)
                {
                    problems.Add($"{table}.{name}: the model says {(nullable ? "NULL" : "NOT NULL")}, the database says {(column.Nullable ? "NULL" : "NOT NULL")}");
                }
            }

            foreach (var extra in columns.Keys.Where(c => !known.Contains(c)).Order(StringComparer.Ordinal))
            {
                problems.Add($"{table}.{extra}: the database has it, the model does not map it ({entity.ClrType.Name})");
            }

            var modelKey = entity.FindPrimaryKey()?.Properties.Select(p => p.GetColumnName(storeObject)!).ToList() ?? [];
            var databaseKey = columns.Values.Where(c => c.KeyOrdinal > 0).OrderBy(c => c.KeyOrdinal).Select(c => c.Name).ToList();
            if (!modelKey.SequenceEqual(databaseKey))
            {
                problems.Add($"{table}: the model's primary key is ({string.Join(", ", modelKey)}), the database's is ({string.Join(", ", databaseKey)})");
            }
        }

        foreach (var table in database.Keys.Where(t => !mapped.Contains(t) && !tablesOutsideTheModel.ContainsKey(t)).Order(StringComparer.Ordinal))
        {
            problems.Add($"{table}: the database has it, no registered entity maps it (register its entity, or name it as outside the model with the reason)");
        }

        return problems;
    }

    /// <summary>SQLite compares by type affinity (what the column stores), PostgreSQL by the exact type.</summary>
    public static string Normalize(string? type, StoreProvider provider)
    {
        var t = (type ?? "").Trim().ToLowerInvariant();
        if (provider == StoreProvider.Sqlite)
        {
            return t.Contains("int", StringComparison.Ordinal) ? "INTEGER"
                : t.Contains("char", StringComparison.Ordinal) || t.Contains("clob", StringComparison.Ordinal) || t.Contains("text", StringComparison.Ordinal) ? "TEXT"
                : t.Length == 0 || t.Contains("blob", StringComparison.Ordinal) ? "BLOB"
                : t.Contains("real", StringComparison.Ordinal) || t.Contains("floa", StringComparison.Ordinal) || t.Contains("doub", StringComparison.Ordinal) ? "REAL"
                : "NUMERIC";
        }

        t = Varchar().Replace(t, "character varying$1");
        return t switch
        {
            "int" or "int4" => "integer",
            "int8" => "bigint",
            "int2" => "smallint",
            "bool" => "boolean",
            "timestamptz" => "timestamp with time zone",
            "float8" => "double precision",
            _ => t,
        };
    }

    private static async Task<Dictionary<string, Dictionary<string, DatabaseColumn>>> ReadAsync(DbConnection connection, StoreProvider provider, CancellationToken cancellationToken)
    {
        var sql = provider == StoreProvider.Sqlite
            ? """
              SELECT m.name, c.name, c.type, c."notnull", c.pk
              FROM sqlite_master m JOIN pragma_table_info(m.name) c
              WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'
              """
            : """
              SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
                     COALESCE((SELECT k.ord FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(attnum, ord) WHERE k.attnum = a.attnum), 0)
              FROM pg_class c
              JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = current_schema()
              JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
              LEFT JOIN pg_index i ON i.indrelid = c.oid AND i.indisprimary
              WHERE c.relkind IN ('r', 'p')
              """;
        var tables = new Dictionary<string, Dictionary<string, DatabaseColumn>>(StringComparer.Ordinal);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var table = reader.GetString(0);
            var name = reader.GetString(1);
            var column = new DatabaseColumn(name, Normalize(reader.GetString(2), provider),
                !Convert.ToBoolean(reader.GetValue(3), System.Globalization.CultureInfo.InvariantCulture),
                Convert.ToInt32(reader.GetValue(4), System.Globalization.CultureInfo.InvariantCulture));
            if (!tables.TryGetValue(table, out var columns))
            {
                tables[table] = columns = new Dictionary<string, DatabaseColumn>(StringComparer.Ordinal);
            }

            columns[name] = column;
        }

        if (provider == StoreProvider.Sqlite)
        {
            // A one-column INTEGER PRIMARY KEY is the rowid: never NULL, though SQLite reports it nullable. (Any other
            // SQLite key column does accept NULL unless declared NOT NULL, so those are compared as they are.)
            foreach (var columns in tables.Values)
            {
                if (columns.Values.Where(c => c.KeyOrdinal > 0).ToList() is [{ Type: "INTEGER" } rowid])
                {
                    columns[rowid.Name] = rowid with { Nullable = false };
                }
            }
        }

        return tables;
    }

    [GeneratedRegex(@"^varchar(\(\d+\))?$")]
    private static partial Regex Varchar();

    private sealed record DatabaseColumn(string Name, string Type, bool Nullable, int KeyOrdinal);
}
