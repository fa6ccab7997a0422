using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol.Protocol;
using Portico.Catalog;
using Portico.Storage;

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
        var (invalid, modelId, publishable) = await ModelAsync(invocation, entities, cancellationToken);
        if (invalid is not null)
        {
            return invalid;
        }

        var model = modelId.ToString();
        if (QueryArguments.Filters(invocation, out var filters) is { } invalidFilter)
        {
            return invalidFilter;
        }

        if (Published(invocation, model, publishable, out var published) is { } invalidPublished)
        {
            return invalidPublished;
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
        var (statement, parameters) = PageSql(entities.Provider, model, filters, sort, cursor, pageSize, published, publishable, entities.Now());
        var rows = await entities.QueryAsync(statement, parameters, cancellationToken);

        var page = rows.Take(pageSize).Select(r => new StoredEntity(entities.TenantId, (string)r[0]!, (string)r[1]!, (string)r[2]!, Convert.ToInt32(r[3], CultureInfo.InvariantCulture),
            (string)r[4]!, DateTimeOffset.FromUnixTimeMilliseconds(Convert.ToInt64(r[5], CultureInfo.InvariantCulture)),
            DateTimeOffset.FromUnixTimeMilliseconds(Convert.ToInt64(r[6], CultureInfo.InvariantCulture)), Time(r[8]), Time(r[9]))).ToList();
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
            ["entities"] = new JsonArray([.. page.Select((e, i) => (JsonNode)EntityResults.ToJson(e, rows[i][10] is { } state ? Convert.ToInt64(state, CultureInfo.InvariantCulture) == 1 : null))]),
            ["nextCursor"] = next,
        });
    }

    /// <summary>
    /// The one statement of a query_entities page, over <c>{rows}</c> (the tenant's rows, see <see cref="TenantEntities.QueryAsync"/>):
    /// columns id, model, data, version, created_by, created_at, updated_at, sort_key, publish_at, unpublish_at, published.
    /// </summary>
    internal static (string Sql, IReadOnlyList<object?> Parameters) PageSql(
        StoreProvider provider, string model, IReadOnlyList<EntityFilter> filters, EntitySort sort, QueryCursor? cursor, int pageSize, bool? published, bool publishable, DateTimeOffset now)
    {
        var sql = new EntitySql(provider);
        var where = Where(sql, model, filters, published, now);
        var publishedColumn = publishable ? $"CASE WHEN {Publication.Condition(sql, now)} THEN 1 ELSE 0 END" : "NULL";
        string key;
        string keyText;
        if (sort.AttributePath is { } path)
        {
            key = sql.Value(path);
            keyText = sql.JsonText(path);
            where.Add(sql.IsPostgres
                ? $"jsonb_typeof({key}) IN ('number', 'string')"
                : $"json_type(data, {sql.PathLiteral(path)}) IN ('integer', 'real', 'text')");
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
        return ($"SELECT id, model, data, version, created_by, created_at, updated_at, {keyText} AS sort_key, publish_at, unpublish_at, {publishedColumn} AS published FROM {{rows}} WHERE {string.Join(" AND ", where)} ORDER BY {key} {direction}, id {direction} LIMIT {sql.Add(pageSize + 1)}",
            sql.Parameters);
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

        var (invalid, modelId, publishable) = await ModelAsync(invocation, entities, cancellationToken);
        if (invalid is not null)
        {
            return invalid;
        }

        if (QueryArguments.Filters(invocation, out var filters) is { } invalidFilter)
        {
            return invalidFilter;
        }

        var model = modelId.ToString();
        if (Published(invocation, model, publishable, out var published) is { } invalidPublished)
        {
            return invalidPublished;
        }

        var sql = new EntitySql(entities.Provider);
        var columns = groupBy.Select(sql.JsonText).Concat(aggregations.Select(a => Column(sql, a))).ToList();
        var where = Where(sql, model, filters, published, entities.Now());
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
        ("count", { } path) => sql.IsPostgres ? $"COUNT({sql.Value(path)})" : $"COUNT(json_type(data, {sql.PathLiteral(path)}))",
        ("distinct", { } path) => sql.IsPostgres ? $"COUNT(DISTINCT {sql.Value(path)})" : $"COUNT(DISTINCT CASE WHEN json_type(data, {sql.PathLiteral(path)}) IS NOT NULL THEN {sql.JsonText(path)} END)",
        (var function, { } path) => $"{function.ToUpperInvariant()}({sql.Number(path)})",
        _ => throw new ArgumentOutOfRangeException(nameof(aggregation), aggregation.Function, "Checked by QueryArguments.Aggregations."),
    };

    private static List<string> Where(EntitySql sql, string model, IReadOnlyList<EntityFilter> filters, bool? published, DateTimeOffset now)
    {
        List<string> where = [$"model = {sql.Add(model)}", .. filters.Select(sql.Condition)];
        if (published is { } wanted)
        {
            // Computed from the clock in the query itself: an entity scheduled for 10:00 matches from 10:00 on.
            where.Add(wanted ? Publication.Condition(sql, now) : $"NOT {Publication.Condition(sql, now)}");
        }

        return where;
    }

    /// <summary>The optional <c>published</c> filter: true or false, and only for a publishable model.</summary>
    private static CallToolResult? Published(ToolInvocation invocation, string model, bool publishable, out bool? published)
    {
        published = null;
        if (!invocation.Arguments.TryGetProperty("published", out var value))
        {
            return null;
        }

        if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            return RecordArguments.Invalid(invocation, "published", "true or false", RecordArguments.Describe(value, present: true),
                "Pass published: true for the entities published now, false for drafts, scheduled and expired ones; leave it out for all.");
        }

        if (!publishable)
        {
            return RecordArguments.Invalid(invocation, "published", $"no published filter: model '{model}' is not publishable", RecordArguments.Describe(value, present: true),
                "Only publishable models (define_model with publishable: true, or the catalog's Basic.Article-1) have a published state; leave published out for this model.");
        }

        published = value.ValueKind == JsonValueKind.True;
        return null;
    }

    private static DateTimeOffset? Time(object? milliseconds)
        => milliseconds is null ? null : DateTimeOffset.FromUnixTimeMilliseconds(Convert.ToInt64(milliseconds, CultureInfo.InvariantCulture));

    /// <summary>A whole number stays whole (counts, sums of integers); anything else is a double; no value is null.</summary>
    private static JsonValue? Number(object? value) => value switch
    {
        null => null,
        long or int => JsonValue.Create(Convert.ToInt64(value, CultureInfo.InvariantCulture)),
        decimal d when d == decimal.Truncate(d) && d is >= long.MinValue and <= long.MaxValue => JsonValue.Create((long)d),
        _ => JsonValue.Create(Convert.ToDouble(value, CultureInfo.InvariantCulture)),
    };

    /// <summary>The modelId argument: a valid id of one of the tenant's models (queries of a model the group lacks are NOT_FOUND, not empty).</summary>
    private static async Task<(CallToolResult? Error, ModelId Id, bool Publishable)> ModelAsync(ToolInvocation invocation, TenantEntities entities, CancellationToken cancellationToken)
    {
        if (ModelArguments.Id(invocation, "modelId", out var id) is { } invalid)
        {
            return (invalid, id, false);
        }

        return await entities.Models.FindAsync(id, cancellationToken) is { } row ? (null, id, row.Publishable) : (ModelResults.NotFound(invocation, entities.TenantId, id), id, false);
    }
}
