namespace Portico.Connectors;

/// <summary>A connector as the admin API and the CLI show it: its tools, and the operations it could not offer with why.</summary>
internal sealed record ConnectorOutput(string Name, string Title, string? Version, string BaseUrl, string? SourceUrl, IReadOnlyList<string> Tools,
    IReadOnlyList<ConnectorRefusal> Refused, DateTimeOffset UpdatedAt, string? UpdatedBy)
{
    public static ConnectorOutput From(ConnectorRecord record)
    {
        var definition = ConnectorDefinition.FromRecord(record);
        return new ConnectorOutput(record.Name, definition.Title, definition.Version, definition.BaseUrl.AbsoluteUri, record.SourceUrl,
            [.. definition.Operations.Select(o => o.Tool.Name)], [.. definition.Refused.Select(r => new ConnectorRefusal(r.Tool, r.Problem))], record.UpdatedAt, record.UpdatedBy);
    }
}
