namespace Portico.Connectors;

/// <summary>The admin API's body to add or reload a connector: the document as text, or the URL to fetch it from.</summary>
internal sealed class ConnectorInput
{
    public string? Name { get; set; }

    /// <summary>Where to fetch the OpenAPI document (under the connectors' outbound policy); a reload fetches it again.</summary>
    public string? Url { get; set; }

    /// <summary>The OpenAPI document itself (JSON or YAML text).</summary>
    public string? Document { get; set; }

    /// <summary>Where calls go, instead of the document's first server.</summary>
    public string? BaseUrl { get; set; }
}
