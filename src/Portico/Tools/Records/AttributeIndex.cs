using System.Security.Cryptography;
using System.Text;
using Portico.Storage;

namespace Portico.Tools.Records;

/// <summary>
/// The store index of one hinted attribute path: an expression index on the attribute's value, after the tenant and the
/// model — <c>(tenant_id, model, json_extract(data, '$.a.b'))</c> on SQLite, <c>(tenant_id, model, (data::jsonb #&gt;
/// '{a,b}'::text[]))</c> on PostgreSQL — exactly the expression <see cref="EntitySql"/> writes for that path, so the
/// planner can use it for equality, ranges and sorting. One index per path serves every tenant and model that hints it
/// (a partial index per tenant and model could not be matched by queries that bind the tenant as a parameter).
/// </summary>
/// <remarks>
/// DDL cannot take parameters, so the path is written into the SQL: only after <see cref="AttributePath.IsValid"/> (letters,
/// digits, '_' and '.') — checked again here, whoever calls — and the index name is derived from it (lower-cased letters,
/// digits and '_', plus a hash of the exact path so two paths never share a name), never copied.
/// </remarks>
internal static class AttributeIndex
{
    public const string NamePrefix = "ix_data_attr_";

    /// <summary>The index name of <paramref name="path"/>: at most 63 characters of [a-z0-9_].</summary>
    public static string Name(string path)
    {
        Check(path);
        var readable = string.Concat(path.ToLowerInvariant().Select(c => c == '.' ? '_' : c).Take(32));
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(path)))[..10];
        return $"{NamePrefix}{readable}_{hash}";
    }

    /// <summary>The attribute's value as the queries write it (a SQL expression with the path as a literal).</summary>
    public static string Expression(StoreProvider provider, string path)
    {
        Check(path);
        return provider == StoreProvider.Postgres
            ? $"(data::jsonb #> '{{{string.Join(',', AttributePath.Segments(path))}}}'::text[])"
            : $"json_extract(data, '$.{path}')";
    }

    /// <summary>The statement creating the index if it is not there (PostgreSQL: without blocking writes meanwhile).</summary>
    public static string Create(StoreProvider provider, string path)
        => provider == StoreProvider.Postgres
            ? $"CREATE INDEX CONCURRENTLY IF NOT EXISTS {Name(path)} ON data_entities (tenant_id, model, {Expression(provider, path)})"
            : $"CREATE INDEX IF NOT EXISTS {Name(path)} ON data_entities (tenant_id, model, {Expression(provider, path)})";

    /// <summary>A failed concurrent build leaves an invalid index behind; it is dropped and built again.</summary>
    public static string DropInvalid(string path) => $"DROP INDEX CONCURRENTLY IF EXISTS {Name(path)}";

    /// <summary>The names of the attribute indexes that exist and are usable (one column: the name).</summary>
    public static string Existing(StoreProvider provider) => provider == StoreProvider.Postgres
        ? $"SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = 'data_entities'::regclass AND i.indisvalid AND c.relname LIKE '{NamePrefix}%'"
        : $"SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'data_entities' AND name LIKE '{NamePrefix}%'";

    private static void Check(string path)
    {
        if (!AttributePath.IsValid(path))
        {
            throw new ArgumentException("Only a path of the strict attribute grammar is written into SQL.", nameof(path));
        }
    }
}
