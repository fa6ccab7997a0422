namespace Portico.Connectors;

/// <summary>Bound from <c>Portico:Connectors</c>; what calls and documents may reach is <c>Portico:Outbound:Connectors</c>.</summary>
internal sealed class ConnectorOptions
{
    public const string SectionName = "Portico:Connectors";

    /// <summary>The largest OpenAPI document read (fetched, uploaded or read from a file).</summary>
    public int MaxDocumentBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Operator-registered OAuth clients by connector name; a connector not listed registers itself dynamically (RFC 7591).</summary>
    public Dictionary<string, ConnectorOAuthClientOptions> OAuthClients { get; set; } = new(StringComparer.Ordinal);
}
