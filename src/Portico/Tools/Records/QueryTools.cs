using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol.Protocol;
using Portico.Catalog;

namespace Portico.Tools.Records;

/// <summary>
/// query_entities and aggregate_entities: each is one SQL statement run in the database over the tenant's rows
/// (<see cref="TenantEntities.QueryAsync"/>), never entities loaded into memory and filtered here.
/// </summary>
internal static class QueryTools
{
    public const int MaxGroups = 1000;

    public static async ValueTask<CallToolResult> QueryAsync(ToolInvocation invocation, TenantEntities entities, CancellationToken cancellationToken)
    {
        var (invalid, modelId) = await ModelAsync(invocation, entities, cancellationToken);
        if (invalid is not null)
        {
            return invalid;
        }

        var model = modelId.ToString();
        if (QueryArguments.Filters(invocation, out var filters) is { } invalidFilter)
        {
            return invalidFilter;
        }

        if (QueryArguments.Sort(invocation, out var sort) is { } invalidSort)
        {
            return invalidSort;
        }

        if (QueryArguments.Cursor(invocation, sort, out var cursor) is { } invalidCursor)
        {
            return invalidCursor;
        }

        if (RecordArguments.Integer(invocation, "limit", 1, RecordArguments.MaxPageSize, out var limit) is { } invalidLimit)
        {
            return invalidLimit;
        }

        var pageSize = limit ?? RecordArguments.DefaultPageSize;
        var sql = new EntitySql(entities.Provider);
        var where = Where(sql, model, filters);
        string key;
        string keyText;
        if (sort.AttributePath is { } path)
        {
            key = sql.Value(path);
            keyText = sql.JsonText(path);
            where.Add(sql.IsPostgres
                ? $"jsonb_typeof({key}) IN ('number', 'string')"
                : $"json_type(data, {sql.PathParameter(path)}) IN ('integer', 'real', 'text')");
        }
        else
        {
            key = "created_at";
            keyText = "CAST(created_at AS TEXT)";
        }

        if (cursor is not null)
        {
            var after = sort.Descending ? "<" : ">";
            var k = sort.AttributePath is null
                ? sql.Add(long.Parse(cursor.Key, CultureInfo.InvariantCulture))
                : sql.IsPostgres ? $"{sql.Add(cursor.Key)}::jsonb" : $"json_extract({sql.Add(cursor.Key)}, '$')";
            var id = sql.Add(cursor.Id);
            where.Add($"({key} {after} {k} OR ({key} = {k} AND id {after} {id}))");
        }

        var direction = sort.Descending ? "DESC" : "ASC";
        var rows = await entities.QueryAsync(
            $"SELECT id, model, data, version, created_by, created_at, updated_at, {keyText} AS sort_key FROM {{rows}} WHERE {string.Join(" AND ", where)} ORDER BY {key} {direction}, id {direction} LIMIT {sql.Add(pageSize + 1)}",
            sql.Parameters, cancellationToken);

        var page = rows.Take(pageSize).Select(r => new StoredEntity(entities.TenantId, (string)r[0]!, (string)r[1]!, (string)r[2]!, Convert.ToInt32(r[3], CultureInfo.InvariantCulture),
            (string)r[4]!, DateTimeOffset.FromUnixTimeMilliseconds(Convert.ToInt64(r[5], CultureInfo.InvariantCulture)),
            DateTimeOffset.FromUnixTimeMilliseconds(Convert.ToInt64(r[6], CultureInfo.InvariantCulture)))).ToList();
        var next = rows.Count > pageSize ? new QueryCursor(sort.AttributePath, sort.Descending, Convert.ToString(rows[pageSize - 1][7], CultureInfo.InvariantCulture)!, page[^1].Id).Encode() : null;

        var text = new StringBuilder(string.Create(CultureInfo.InvariantCulture, $"{page.Count} entit{(page.Count == 1 ? "y" : "ies")} of {model} in group '{entities.TenantId}'{(page.Count == 0 ? "." : ":")}"));
        foreach (var entity in page)
        {
            text.Append('\n').Append(EntityResults.Line(entity));
        }

        if (next is not null)
        {
            text.Append("\nMore: call query_entities again with the same arguments and cursor \"").Append(next).Append("\".");
        }

        return ToolResults.Structured(text.ToString(), new JsonObject
        {
            ["tenantId"] = entities.TenantId,
            ["modelId"] = model,
            ["entities"] = EntityResults.ToJson(page),
            ["nextCursor"] = next,
        });
    }

    public static async ValueTask<CallToolResult> AggregateAsync(ToolInvocation invocation, TenantEntities entities, CancellationToken cancellationToken)
    {
        if (QueryArguments.Aggregations(invocation, out var aggregations) is { } invalidColumns)
        {
            return invalidColumns;
        }

        if (QueryArguments.GroupBy(invocation, out var groupBy) is { } invalidGroups)
        {
            return invalidGroups;
        }

        var (invalid, modelId) = await ModelAsync(invocation, entities, cancellationToken);
        if (invalid is not null)
        {
            return invalid;
        }

        if (QueryArguments.Filters(invocation, out var filters) is { } invalidFilter)
        {
            return invalidFilter;
        }

        var model = modelId.ToString();
        var sql = new EntitySql(entities.Provider);
        var columns = groupBy.Select(sql.JsonText).Concat(aggregations.Select(a => Column(sql, a))).ToList();
        var where = Where(sql, model, filters);
        var positions = string.Join(", ", Enumerable.Range(1, groupBy.Count).Select(i => i.ToString(CultureInfo.InvariantCulture)));
        var grouping = groupBy.Count == 0 ? "" : $" GROUP BY {positions} ORDER BY {positions}";
        var rows = await entities.QueryAsync(
            $"SELECT {string.Join(", ", columns)} FROM {{rows}} WHERE {string.Join(" AND ", where)}{grouping} LIMIT {sql.Add(MaxGroups + 1)}",
            sql.Parameters, cancellationToken);

        var groups = new JsonArray();
        foreach (var row in rows.Take(MaxGroups))
        {
            var group = new JsonObject();
            for (var i = 0; i < groupBy.Count; i++)
            {
                group[groupBy[i]] = JsonNode.Parse((string)row[i]!);
            }

            var values = new JsonObject();
            for (var i = 0; i < aggregations.Count; i++)
            {
                values[aggregations[i].Alias] = Number(row[groupBy.Count + i]);
            }

            groups.Add(new JsonObject { ["group"] = group, ["values"] = values });
        }

        var by = groupBy.Count == 0 ? ":" : string.Create(CultureInfo.InvariantCulture, $" by {string.Join(", ", groupBy)} ({groups.Count} group(s)):");
        var text = new StringBuilder($"Aggregated {model} in group '{entities.TenantId}'{by}");
        foreach (var group in groups.Take(50))
        {
            text.Append('\n').Append(group!.ToJsonString());
        }

        return ToolResults.Structured(text.ToString(), new JsonObject
        {
            ["tenantId"] = entities.TenantId,
            ["modelId"] = model,
            ["groups"] = groups,
            ["truncated"] = rows.Count > MaxGroups,
        });
    }

    private static string Column(EntitySql sql, Aggregation aggregation) => (aggregation.Function, aggregation.Path) switch
    {
        ("count", null) => "COUNT(*)",
        ("count", { } path) => sql.IsPostgres ? $"COUNT({sql.Value(path)})" : $"COUNT(json_type(data, {sql.PathParameter(path)}))",
        ("distinct", { } path) => sql.IsPostgres ? $"COUNT(DISTINCT {sql.Value(path)})" : $"COUNT(DISTINCT CASE WHEN json_type(data, {sql.PathParameter(path)}) IS NOT NULL THEN {sql.JsonText(path)} END)",
        (var function, { } path) => $"{function.ToUpperInvariant()}({sql.Number(path)})",
        _ => throw new ArgumentOutOfRangeException(nameof(aggregation), aggregation.Function, "Checked by QueryArguments.Aggregations."),
    };

    private static List<string> Where(EntitySql sql, string model, IReadOnlyList<EntityFilter> filters)
        => [$"model = {sql.Add(model)}", .. filters.Select(sql.Condition)];

    /// <summary>A whole number stays whole (counts, sums of integers); anything else is a double; no value is null.</summary>
    private static JsonValue? Number(object? value) => value switch
    {
        null => null,
        long or int => JsonValue.Create(Convert.ToInt64(value, CultureInfo.InvariantCulture)),
        decimal d when d == decimal.Truncate(d) && d is >= long.MinValue and <= long.MaxValue => JsonValue.Create((long)d),
        _ => JsonValue.Create(Convert.ToDouble(value, CultureInfo.InvariantCulture)),
    };

    /// <summary>The modelId argument: a valid id of one of the tenant's models (queries of a model the group lacks are NOT_FOUND, not empty).</summary>
    private static async Task<(CallToolResult? Error, ModelId Id)> ModelAsync(ToolInvocation invocation, TenantEntities entities, CancellationToken cancellationToken)
    {
        if (ModelArguments.Id(invocation, "modelId", out var id) is { } invalid)
        {
            return (invalid, id);
        }

        return await entities.Models.FindAsync(id, cancellationToken) is null ? (ModelResults.NotFound(invocation, entities.TenantId, id), id) : (null, id);
    }
}
