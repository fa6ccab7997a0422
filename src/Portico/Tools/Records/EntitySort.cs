namespace Portico.Tools.Records;

/// <summary>The order of <c>query_entities</c>: by an attribute path, or (null) by creation time; the id breaks ties.</summary>
internal sealed record EntitySort(string? AttributePath, bool Descending);
