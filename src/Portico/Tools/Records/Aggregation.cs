namespace Portico.Tools.Records;

/// <summary>One column of <c>aggregate_entities</c>: a function over an attribute path (none for a plain count) under an alias.</summary>
internal sealed record Aggregation(string Function, string? Path, string Alias)
{
    public static readonly string[] Functions = ["count", "sum", "avg", "min", "max", "distinct"];

    /// <summary>The seed's default alias, <c>&lt;function&gt;_&lt;sanitised-path&gt;</c> (<c>avg_Power</c>), or the function alone for a plain count.</summary>
    public static string DefaultAlias(string function, string? path) => path is null ? function : $"{function}_{path.Replace('.', '_')}";
}
