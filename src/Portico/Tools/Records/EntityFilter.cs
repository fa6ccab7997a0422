using System.Text.Json;

namespace Portico.Tools.Records;

/// <summary>One condition of <c>query_entities</c> / <c>aggregate_entities</c>: an attribute path, an operator and a value (checked by <see cref="QueryArguments"/>).</summary>
internal sealed record EntityFilter(string Path, string Op, JsonElement Value)
{
    /// <summary>The operators, each once: what the tools' schemas list and <see cref="EntitySql"/> translates.</summary>
    public static readonly string[] Operators = ["eq", "ne", "lt", "lte", "gt", "gte", "in", "contains", "exists"];
}
