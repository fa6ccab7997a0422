using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Portico.Storage;

namespace Portico.Tools.Records;

/// <summary>
/// Builds the SQL of entity queries for one store: SQLite's JSON functions (<c>json_extract</c>, <c>json_type</c>) or
/// PostgreSQL's jsonb operators over <c>data::jsonb</c> (equality also as containment, <c>@&gt;</c>, which the GIN index
/// of step 100202 serves for any attribute). Values are always parameters. Attribute paths are written into the SQL as
/// literals — a planner matches an expression index (<see cref="AttributeIndex"/>, from the model's index hints) only
/// against the same expression with the same constant — and only after <see cref="AttributePath"/>'s strict grammar
/// (letters, digits, '_' and '.'), checked again where the literal is made.
/// </summary>
internal sealed class EntitySql(StoreProvider provider)
{
    private readonly List<object?> _parameters = [];

    public IReadOnlyList<object?> Parameters => _parameters;

    public bool IsPostgres => provider == StoreProvider.Postgres;

    /// <summary>Adds a parameter and returns its name.</summary>
    public string Add(object? value)
    {
        _parameters.Add(value);
        return "@p" + (_parameters.Count - 1).ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>A path literal: a text[] of its names on PostgreSQL (<c>'{a,b}'</c>), a JSON path (<c>'$.a.b'</c>) on SQLite.</summary>
    public string PathLiteral(string path) => AttributePath.IsValid(path)
        ? IsPostgres ? $"'{{{string.Join(',', AttributePath.Segments(path))}}}'" : $"'$.{path}'"
        : throw new ArgumentException("Only a path of the strict attribute grammar is written into SQL.", nameof(path));

    /// <summary>The attribute as jsonb (PostgreSQL) or as an SQL value (SQLite; NULL when missing): the expression of its <see cref="AttributeIndex"/>.</summary>
    public string Value(string path) => AttributeIndex.Expression(provider, path);

    /// <summary>The attribute's JSON value as text ("null" when missing or null), for group keys and cursors.</summary>
    public string JsonText(string path)
    {
        if (IsPostgres)
        {
            return $"COALESCE((data::jsonb #> {PathLiteral(path)}::text[])::text, 'null')";
        }

        var p = PathLiteral(path);
        return $"(CASE json_type(data, {p}) WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' ELSE json_quote(json_extract(data, {p})) END)";
    }

    /// <summary>The attribute as a number, or NULL when it is missing or not a number.</summary>
    public string Number(string path)
    {
        var p = PathLiteral(path);
        return IsPostgres
            ? $"(CASE WHEN jsonb_typeof(data::jsonb #> {p}::text[]) = 'number' THEN (data::jsonb #> {p}::text[])::numeric END)"
            : $"(CASE WHEN json_type(data, {p}) IN ('integer', 'real') THEN json_extract(data, {p}) END)";
    }

    public string Condition(EntityFilter filter) => filter.Op switch
    {
        "eq" => Equal(filter.Path, filter.Value),
        "ne" => IsPostgres ? $"NOT COALESCE({Equal(filter.Path, filter.Value)}, FALSE)" : $"NOT COALESCE({Equal(filter.Path, filter.Value)}, 0)",
        "lt" => Compare(filter.Path, "<", filter.Value),
        "lte" => Compare(filter.Path, "<=", filter.Value),
        "gt" => Compare(filter.Path, ">", filter.Value),
        "gte" => Compare(filter.Path, ">=", filter.Value),
        "in" => "(" + string.Join(" OR ", filter.Value.EnumerateArray().Select(v => Equal(filter.Path, v))) + ")",
        "contains" => Contains(filter.Path, filter.Value.GetString()!),
        "exists" => (IsPostgres ? $"((data::jsonb #> {PathLiteral(filter.Path)}::text[]) IS NOT NULL)" : $"(json_type(data, {PathLiteral(filter.Path)}) IS NOT NULL)")
            + (filter.Value.ValueKind == JsonValueKind.True ? "" : " IS FALSE"),
        _ => throw new ArgumentOutOfRangeException(nameof(filter), filter.Op, "Not an operator of EntityFilter.Operators."),
    };

    /// <summary>Equality of a scalar (string, number, boolean or null): same JSON type and value.</summary>
    private string Equal(string path, JsonElement value)
    {
        if (IsPostgres)
        {
            // {"a": {"b": value}} @> : the GIN index on data::jsonb answers it for any path; the document is a parameter.
            // The same equality on the attribute's expression lets a hinted path's btree index answer it instead.
            JsonNode? document = JsonNode.Parse(value.GetRawText());
            foreach (var segment in AttributePath.Segments(path).Reverse())
            {
                document = new JsonObject { [segment] = document };
            }

            return $"(data::jsonb @> {Add(document!.ToJsonString())}::jsonb AND {Value(path)} = {Add(value.GetRawText())}::jsonb)";
        }

        var p = PathLiteral(path);
        return value.ValueKind switch
        {
            JsonValueKind.String => $"(json_type(data, {p}) = 'text' AND json_extract(data, {p}) = {Add(value.GetString())})",
            JsonValueKind.Number => $"(json_type(data, {p}) IN ('integer', 'real') AND json_extract(data, {p}) = {Add(Number(value))})",
            JsonValueKind.True => $"(json_type(data, {p}) = 'true')",
            JsonValueKind.False => $"(json_type(data, {p}) = 'false')",
            _ => $"(json_type(data, {p}) = 'null')",
        };
    }

    /// <summary>Order comparison of numbers with numbers and strings with strings; other types never match.</summary>
    private string Compare(string path, string op, JsonElement value)
    {
        var p = PathLiteral(path);
        if (IsPostgres)
        {
            var type = value.ValueKind == JsonValueKind.Number ? "number" : "string";
            return $"(jsonb_typeof(data::jsonb #> {p}::text[]) = '{type}' AND (data::jsonb #> {p}::text[]) {op} {Add(value.GetRawText())}::jsonb)";
        }

        return value.ValueKind == JsonValueKind.Number
            ? $"(json_type(data, {p}) IN ('integer', 'real') AND json_extract(data, {p}) {op} {Add(Number(value))})"
            : $"(json_type(data, {p}) = 'text' AND json_extract(data, {p}) {op} {Add(value.GetString())})";
    }

    /// <summary>A string attribute containing the text, or an array attribute with the text as an element.</summary>
    private string Contains(string path, string text)
    {
        var p = PathLiteral(path);
        var v = Add(text);
        return IsPostgres
            ? $"((jsonb_typeof(data::jsonb #> {p}::text[]) = 'string' AND strpos(data::jsonb #>> {p}::text[], {v}) > 0) OR (jsonb_typeof(data::jsonb #> {p}::text[]) = 'array' AND (data::jsonb #> {p}::text[]) @> jsonb_build_array({v}::text)))"
            : $"((json_type(data, {p}) = 'text' AND instr(json_extract(data, {p}), {v}) > 0) OR (json_type(data, {p}) = 'array' AND EXISTS (SELECT 1 FROM json_each(data, {p}) AS e WHERE e.type = 'text' AND e.value = {v})))";
    }

    private static object Number(JsonElement value) => value.TryGetInt64(out var whole) ? whole : value.GetDouble();
}
