using System.Text.Json.Nodes;

namespace Portico.Connectors;

/// <summary>A stored connector made ready to serve: where its calls go and its operations as tools.</summary>
internal sealed record ConnectorDefinition(string Name, string Title, string? Version, Uri BaseUrl, string Hash,
    IReadOnlyList<ConnectorOperation> Operations, IReadOnlyList<(string Tool, string Problem)> Refused, ConnectorConnection? Connection)
{
    /// <summary>The integration a tenant connects for this connector's calls; null when its document names no supported scheme.</summary>
    public Integrations.IntegrationDefinition? Integration => Connection?.Integration(Name, Title);

    public static ConnectorDefinition FromRecord(ConnectorRecord record) => From(record.Name, ConnectorDocument.Normalized(record.Document), record.SourceUrl, record.BaseUrl, record.Hash);

    public static ConnectorDefinition From(string name, JsonObject document, string? sourceUrl, string? baseUrl, string hash)
    {
        var connection = ConnectorConnection.From(document);
        var (operations, refused) = ConnectorOperations.Build(name, document, connection);
        var info = document["info"] as JsonObject;
        var title = info?["title"] is JsonValue t && t.TryGetValue<string>(out var text) && text.Length > 0 ? text : name;
        var version = info?["version"] is JsonValue v && v.TryGetValue<string>(out var versionText) ? versionText : null;
        return new ConnectorDefinition(name, title, version, ConnectorBaseUrl.Resolve(document, sourceUrl, baseUrl), hash, operations, refused, connection);
    }
}
