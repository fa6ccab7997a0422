using System.Data.Common;
using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Portico.Access;
using Portico.Storage;

namespace Portico.Policy.Audit;

/// <summary>
/// The one query over the audit trail: the portal's search, detail, export and charts and the CLI's <c>portico audit</c>
/// all read through here, so a filter or a scope rule exists once. Pages are keyset-paged on (time, id), newest first,
/// so every record appears exactly once however many calls arrive while someone pages. The charts are aggregated by the
/// database (GROUP BY minute and error code), never by loading rows.
/// </summary>
internal sealed class AuditSearch(PorticoDbContext db)
{
    public const int PageSize = 50;

    /// <summary>Longest filter value accepted; a request id is at most 128 characters, ids and codes are shorter.</summary>
    public const int MaxFilterLength = 200;

    /// <summary>The records in <paramref name="scope"/> that match <paramref name="filter"/> (unordered).</summary>
    public IQueryable<AuditRecord> Query(AuditFilter filter, AuditScope scope)
    {
        var query = db.Set<AuditRecord>().AsNoTracking();
        if (!scope.All)
        {
            var userId = scope.UserId ?? throw new InvalidOperationException("A limited audit scope names its reader.");
            var tenants = scope.TenantIds.ToList();
            query = tenants.Count == 0
                ? query.Where(a => a.UserId == userId)
                : query.Where(a => a.UserId == userId || (a.TenantId != null && tenants.Contains(a.TenantId)));
        }

        if (filter.RequestId is { } requestId)
        {
            query = query.Where(a => a.RequestId == requestId);
        }

        if (filter.SessionId is { } sessionId)
        {
            query = query.Where(a => a.SessionId == sessionId);
        }

        if (filter.TenantId is { } tenantId)
        {
            query = query.Where(a => a.TenantId == tenantId);
        }

        if (filter.UserId is { } user)
        {
            query = query.Where(a => a.UserId == user);
        }

        if (filter.Tool is { } tool)
        {
            query = query.Where(a => a.Tool == tool);
        }

        if (filter.ErrorCode is { } code)
        {
            query = query.Where(a => a.ErrorCode == code);
        }

        if (filter.From is { } from)
        {
            query = query.Where(a => a.At >= from);
        }

        if (filter.To is { } to)
        {
            query = query.Where(a => a.At < to);
        }

        return query;
    }

    /// <summary>Newest first, at most <paramref name="limit"/> records (the CLI's list and the export).</summary>
    public IQueryable<AuditRecord> Newest(AuditFilter filter, AuditScope scope, int limit)
        => Query(filter, scope).OrderByDescending(a => a.At).ThenByDescending(a => a.Id).Take(limit);

    /// <summary>One page after the cursor <paramref name="after"/> (from the previous page's <see cref="AuditPage.Next"/>).</summary>
    public async Task<AuditPage> PageAsync(AuditFilter filter, AuditScope scope, string? after, CancellationToken cancellationToken, int pageSize = PageSize)
    {
        var query = Query(filter, scope);
        if (!string.IsNullOrEmpty(after))
        {
            var (at, id) = ParseCursor(after);
            query = query.Where(a => a.At < at || (a.At == at && a.Id < id));
        }

        var records = await query.OrderByDescending(a => a.At).ThenByDescending(a => a.Id).Take(pageSize + 1).ToListAsync(cancellationToken);
        if (records.Count <= pageSize)
        {
            return new AuditPage(records, null);
        }

        records.RemoveAt(pageSize);
        var last = records[^1];
        return new AuditPage(records, string.Create(CultureInfo.InvariantCulture, $"{last.At.ToUnixTimeMilliseconds()}-{last.Id}"));
    }

    /// <summary>The record with this key if it is in <paramref name="scope"/>; null when it does not exist or is someone else's (the same answer).</summary>
    public Task<AuditRecord?> FindAsync(long id, AuditScope scope, CancellationToken cancellationToken)
        => Query(AuditFilter.None, scope).FirstOrDefaultAsync(a => a.Id == id, cancellationToken);

    /// <summary>Calls and errors per minute in [<paramref name="from"/>, <paramref name="to"/>), minutes without calls left out.</summary>
    public async Task<IReadOnlyList<AuditMinute>> PerMinuteAsync(AuditScope scope, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var minutes = new List<AuditMinute>();
        await ReadAsync(
            "SELECT at / 60000 AS minute, COUNT(*) AS calls, SUM(CASE WHEN outcome = 'error' THEN 1 ELSE 0 END) AS errors FROM audit_records",
            "GROUP BY at / 60000 ORDER BY minute", scope, from, to,
            reader => minutes.Add(new AuditMinute(DateTimeOffset.FromUnixTimeMilliseconds(Long(reader, 0) * 60_000), Long(reader, 1), Long(reader, 2))),
            cancellationToken);
        return minutes;
    }

    /// <summary>Calls that ended in an error in [<paramref name="from"/>, <paramref name="to"/>), by code, most frequent first.</summary>
    public async Task<IReadOnlyList<AuditErrorCount>> ErrorsByCodeAsync(AuditScope scope, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var codes = new List<AuditErrorCount>();
        await ReadAsync(
            "SELECT COALESCE(error_code, 'UNKNOWN') AS code, COUNT(*) AS calls FROM audit_records",
            "AND outcome = 'error' GROUP BY COALESCE(error_code, 'UNKNOWN') ORDER BY calls DESC, code", scope, from, to,
            reader => codes.Add(new AuditErrorCount(reader.GetString(0), Long(reader, 1))),
            cancellationToken);
        return codes;
    }

    /// <summary>
    /// The request id in what someone pasted: the id alone (with stray spaces or quotes), or text that carries it, such as a
    /// tool error's "(request id: 0a1b…)". Null when there is none.
    /// </summary>
    public static string? RequestIdFrom(string? pasted)
    {
        if (string.IsNullOrWhiteSpace(pasted))
        {
            return null;
        }

        var text = pasted.AsSpan().Trim();
        var label = text.IndexOf("request id", StringComparison.OrdinalIgnoreCase);
        if (label >= 0)
        {
            text = text[(label + "request id".Length)..];
        }

        text = text.TrimStart(" \t\r\n:=(\"'`".AsSpan());
        var end = 0;
        while (end < text.Length && (char.IsAsciiLetterOrDigit(text[end]) || text[end] is '-' or '_' or '.' or ':'))
        {
            end++;
        }

        // A sentence ends with a full stop; the ids this server makes never do.
        var id = text[..end].TrimEnd(".:".AsSpan());
        return id.IsEmpty ? null : id.ToString();
    }

    private static (DateTimeOffset At, long Id) ParseCursor(string cursor)
    {
        var dash = cursor.IndexOf('-', StringComparison.Ordinal);
        if (dash > 0
            && long.TryParse(cursor.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out var ms)
            && long.TryParse(cursor.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            && ms <= DateTimeOffset.MaxValue.ToUnixTimeMilliseconds())
        {
            return (DateTimeOffset.FromUnixTimeMilliseconds(ms), id);
        }

        throw new AccessException($"'{cursor}' is not a page of this search.", "Start the search again from its first page.");
    }

    private async Task ReadAsync(string select, string tail, AuditScope scope, DateTimeOffset from, DateTimeOffset to, Action<DbDataReader> row,
        CancellationToken cancellationToken)
    {
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = connection.CreateCommand();
            var sql = new StringBuilder(select).Append(" WHERE at >= @from AND at < @to");
            AddParameter(command, "@from", from.ToUnixTimeMilliseconds());
            AddParameter(command, "@to", to.ToUnixTimeMilliseconds());
            if (!scope.All)
            {
                AddParameter(command, "@user", scope.UserId ?? throw new InvalidOperationException("A limited audit scope names its reader."));
                sql.Append(" AND (user_id = @user");
                if (scope.TenantIds.Count > 0)
                {
                    sql.Append(" OR tenant_id IN (");
                    for (var i = 0; i < scope.TenantIds.Count; i++)
                    {
                        sql.Append(i == 0 ? "" : ", ").Append(CultureInfo.InvariantCulture, $"@t{i}");
                        AddParameter(command, $"@t{i}", scope.TenantIds[i]);
                    }

                    sql.Append(')');
                }

                sql.Append(')');
            }

            command.CommandText = sql.Append(' ').Append(tail).ToString();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                row(reader);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static long Long(DbDataReader reader, int ordinal) => Convert.ToInt64(reader.GetValue(ordinal), CultureInfo.InvariantCulture);

    private static void AddParameter(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
