using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol.Protocol;
using Portico.Catalog;

namespace Portico.Tools.Records;

/// <summary>
/// The query tools' argument checks, all before the store is touched: attribute paths against the strict grammar,
/// operators and value types, sort, cursor, and the seed's aggregation rules with its messages.
/// </summary>
internal static class QueryArguments
{
    public const int MaxFilters = 20;
    public const int MaxInValues = 100;
    public const int MaxAggregations = 20;
    public const int MaxGroupBy = 5;

    public static CallToolResult? Filters(ToolInvocation invocation, out IReadOnlyList<EntityFilter> filters)
    {
        filters = [];
        if (!invocation.Arguments.TryGetProperty("filter", out var value))
        {
            return null;
        }

        const string Hint = "Each filter is {\"attributePath\": \"address.city\", \"op\": \"eq\", \"value\": \"Oslo\"}; op is one of eq, ne, lt, lte, gt, gte, in, contains, exists.";
        if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() > MaxFilters)
        {
            return RecordArguments.Invalid(invocation, "filter", $"an array of at most {MaxFilters} conditions", RecordArguments.Describe(value, present: true), Hint);
        }

        var list = new List<EntityFilter>();
        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            var at = string.Create(CultureInfo.InvariantCulture, $"filter[{index++}]");
            if (item.ValueKind != JsonValueKind.Object)
            {
                return RecordArguments.Invalid(invocation, at, "an object with attributePath, op and value", RecordArguments.Describe(item, present: true), Hint);
            }

            if (Path(invocation, item, "attributePath", $"{at}.attributePath", out var path) is { } invalidPath)
            {
                return invalidPath;
            }

            var hasOp = item.TryGetProperty("op", out var op);
            if (!hasOp || op.ValueKind != JsonValueKind.String || !EntityFilter.Operators.Contains(op.GetString()))
            {
                return RecordArguments.Invalid(invocation, $"{at}.op", "one of " + string.Join(", ", EntityFilter.Operators), RecordArguments.Describe(op, hasOp), Hint);
            }

            var hasValue = item.TryGetProperty("value", out var operand);
            var (fits, expected) = op.GetString() switch
            {
                "eq" or "ne" => (hasValue && IsScalar(operand), "a string, number, boolean or null"),
                "lt" or "lte" or "gt" or "gte" => (hasValue && operand.ValueKind is JsonValueKind.String or JsonValueKind.Number, "a string or a number"),
                "in" => (hasValue && operand.ValueKind == JsonValueKind.Array && operand.GetArrayLength() is > 0 and <= MaxInValues && operand.EnumerateArray().All(IsScalar),
                    $"an array of 1-{MaxInValues} strings, numbers, booleans or nulls"),
                "contains" => (hasValue && operand.ValueKind == JsonValueKind.String, "a string (found in a string attribute, or as an element of an array attribute)"),
                _ => (!hasValue || operand.ValueKind is JsonValueKind.True or JsonValueKind.False, "true or false"),
            };
            if (fits && hasValue && NulCharacter.IsIn(operand))
            {
                return RecordArguments.Invalid(invocation, $"{at}.value", "a value without NUL characters", "a value containing \\u0000", NulCharacter.Hint);
            }

            if (!fits)
            {
                return RecordArguments.Invalid(invocation, $"{at}.value", $"{expected} for op '{op.GetString()}'", RecordArguments.Describe(operand, hasValue), Hint);
            }

            list.Add(new EntityFilter(path, op.GetString()!, hasValue ? operand.Clone() : JsonDocument.Parse("true").RootElement.Clone()));
        }

        filters = list;
        return null;
    }

    public static CallToolResult? Sort(ToolInvocation invocation, out EntitySort sort)
    {
        sort = new EntitySort(null, Descending: true);
        if (!invocation.Arguments.TryGetProperty("sort", out var value))
        {
            return null;
        }

        const string Hint = "Sort with {\"attributePath\": \"power\", \"direction\": \"desc\"}; leave sort out for newest first.";
        if (value.ValueKind != JsonValueKind.Object)
        {
            return RecordArguments.Invalid(invocation, "sort", "an object with attributePath and direction", RecordArguments.Describe(value, present: true), Hint);
        }

        string? path = null;
        if (value.TryGetProperty("attributePath", out _))
        {
            if (Path(invocation, value, "attributePath", "sort.attributePath", out var parsed) is { } invalidPath)
            {
                return invalidPath;
            }

            path = parsed;
        }

        var hasDirection = value.TryGetProperty("direction", out var direction);
        if (hasDirection && (direction.ValueKind != JsonValueKind.String || direction.GetString() is not ("asc" or "desc")))
        {
            return RecordArguments.Invalid(invocation, "sort.direction", "\"asc\" or \"desc\"", RecordArguments.Describe(direction, present: true), Hint);
        }

        sort = new EntitySort(path, hasDirection ? direction.GetString() == "desc" : path is null);
        return null;
    }

    public static CallToolResult? Cursor(ToolInvocation invocation, EntitySort sort, out QueryCursor? cursor)
    {
        cursor = null;
        if (!invocation.Arguments.TryGetProperty("cursor", out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String || !QueryCursor.TryParse(value.GetString()!, out cursor)
            || cursor!.SortPath != sort.AttributePath || cursor.Descending != sort.Descending)
        {
            cursor = null;
            return RecordArguments.Invalid(invocation, "cursor", "the nextCursor of a previous query_entities result with the same sort", RecordArguments.Describe(value, present: true),
                "Pass nextCursor exactly as query_entities returned it, with the same sort; leave cursor out to start from the first page.");
        }

        return null;
    }

    /// <summary>The columns, checked up front with the seed's messages: at least one, aliases unique.</summary>
    public static CallToolResult? Aggregations(ToolInvocation invocation, out IReadOnlyList<Aggregation> aggregations)
    {
        aggregations = [];
        var present = invocation.Arguments.TryGetProperty("aggregations", out var value);
        if (!present || value.ValueKind != JsonValueKind.Array || value.GetArrayLength() == 0)
        {
            return ToolError.Result("VALIDATION_FAILED", "Aggregation requires at least one column",
                "Pass at least one entry in aggregations, e.g. [{\"function\": \"count\"}] or [{\"function\": \"avg\", \"attributePath\": \"power\"}]; count does not need attributePath, everything else does.",
                invocation.Call.RequestId, new JsonObject { ["path"] = "aggregations", ["expected"] = "an array of 1 or more columns", ["received"] = RecordArguments.Describe(value, present) });
        }

        if (value.GetArrayLength() > MaxAggregations)
        {
            return RecordArguments.Invalid(invocation, "aggregations", $"at most {MaxAggregations} columns", RecordArguments.Describe(value, present: true), "Split the columns over several calls.");
        }

        var list = new List<Aggregation>();
        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            var at = string.Create(CultureInfo.InvariantCulture, $"aggregations[{index++}]");
            var hasFunction = item.ValueKind == JsonValueKind.Object && item.TryGetProperty("function", out _);
            var function = hasFunction ? item.GetProperty("function") : default;
            if (!hasFunction || function.ValueKind != JsonValueKind.String || !Aggregation.Functions.Contains(function.GetString()))
            {
                return RecordArguments.Invalid(invocation, $"{at}.function", "one of " + string.Join(", ", Aggregation.Functions), RecordArguments.Describe(function, hasFunction),
                    "Each column is {\"function\": \"sum\", \"attributePath\": \"power\", \"alias\": \"total\"} (alias optional).");
            }

            string? path = null;
            if (item.TryGetProperty("attributePath", out _))
            {
                if (Path(invocation, item, "attributePath", $"{at}.attributePath", out var parsed) is { } invalidPath)
                {
                    return invalidPath;
                }

                path = parsed;
            }
            else if (function.GetString() != "count")
            {
                return RecordArguments.Invalid(invocation, $"{at}.attributePath", $"the attribute to {function.GetString()}", "missing",
                    "Only count works without attributePath; name the attribute, e.g. \"power\".");
            }

            var alias = Aggregation.DefaultAlias(function.GetString()!, path);
            if (item.TryGetProperty("alias", out var given))
            {
                if (given.ValueKind != JsonValueKind.String || !IsAlias(given.GetString()!))
                {
                    return RecordArguments.Invalid(invocation, $"{at}.alias", "1-64 letters, digits and '_', starting with a letter or '_'", RecordArguments.Describe(given, present: true),
                        "Name the column like \"total_power\", or leave alias out for the default <function>_<path>.");
                }

                alias = given.GetString()!;
            }

            if (list.Any(a => a.Alias == alias))
            {
                return ToolError.Result("VALIDATION_FAILED", $"Aggregation alias '{alias}' is not unique",
                    "Two columns in the same call produced the same alias. Rename one with alias, or change the function or path so the default alias (<function>_<sanitised-path>, e.g. avg_power) differs.",
                    invocation.Call.RequestId, new JsonObject { ["path"] = at, ["expected"] = "an alias no other column has", ["received"] = alias });
            }

            list.Add(new Aggregation(function.GetString()!, path, alias));
        }

        aggregations = list;
        return null;
    }

    /// <summary>Group-by paths, checked up front with the seed's message: none empty or null, no duplicates.</summary>
    public static CallToolResult? GroupBy(ToolInvocation invocation, out IReadOnlyList<string> paths)
    {
        paths = [];
        if (!invocation.Arguments.TryGetProperty("groupByAttributePaths", out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() > MaxGroupBy)
        {
            return RecordArguments.Invalid(invocation, "groupByAttributePaths", $"an array of at most {MaxGroupBy} attribute paths", RecordArguments.Describe(value, present: true),
                "Group by up to 5 attributes, e.g. [\"site\"].");
        }

        var list = new List<string>();
        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            var at = string.Create(CultureInfo.InvariantCulture, $"groupByAttributePaths[{index++}]");
            var text = item.ValueKind == JsonValueKind.String ? item.GetString()! : null;
            if (string.IsNullOrWhiteSpace(text) || list.Contains(text, StringComparer.Ordinal))
            {
                return ToolError.Result("VALIDATION_FAILED", "groupBy paths must be non-empty / contain no duplicates",
                    "Check the groupByAttributePaths list: empty strings, nulls and duplicates are all rejected up front.",
                    invocation.Call.RequestId,
                    new JsonObject { ["path"] = at, ["expected"] = "a non-empty attribute path not listed before", ["received"] = text is null ? RecordArguments.Describe(item, present: true) : $"string \"{text}\"" });
            }

            if (!AttributePath.IsValid(text))
            {
                return RecordArguments.Invalid(invocation, at, "an attribute path: " + AttributePath.Grammar, RecordArguments.Describe(item, present: true), "Group by attribute names, e.g. \"site\" or \"address.city\".");
            }

            list.Add(text);
        }

        paths = list;
        return null;
    }

    private static CallToolResult? Path(ToolInvocation invocation, JsonElement source, string name, string at, out string path)
    {
        path = "";
        var present = source.TryGetProperty(name, out var value);
        if (!present || value.ValueKind != JsonValueKind.String || !AttributePath.IsValid(value.GetString()))
        {
            return RecordArguments.Invalid(invocation, at, "an attribute path: " + AttributePath.Grammar, RecordArguments.Describe(value, present),
                "Name attributes by their property names, e.g. \"power\" or \"address.city\" (no quotes, brackets, '$' or spaces).");
        }

        path = value.GetString()!;
        return null;
    }

    private static bool IsScalar(JsonElement value) => value.ValueKind is JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False or JsonValueKind.Null;

    private static bool IsAlias(string alias)
        => alias.Length is > 0 and <= 64 && (char.IsAsciiLetter(alias[0]) || alias[0] == '_') && alias.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
}
