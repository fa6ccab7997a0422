namespace Portico.Connectors;

/// <summary>A connector as stored: its normalized OpenAPI 3.1 document (JSON) and where it came from.</summary>
internal sealed class ConnectorRecord
{
    /// <summary>The connector's name, which is also the prefix of its tools.</summary>
    public required string Name { get; set; }

    /// <summary>The URL the document was fetched from (a reload fetches it again); null when it was given as text.</summary>
    public string? SourceUrl { get; set; }

    /// <summary>The operator's base URL for calls; null: the document's first server.</summary>
    public string? BaseUrl { get; set; }

    /// <summary>The document, normalized to OpenAPI 3.1 JSON.</summary>
    public required string Document { get; set; }

    /// <summary>SHA-256 of <see cref="Document"/>: a reload that changes nothing changes no tool.</summary>
    public required string Hash { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public string? UpdatedBy { get; set; }
}
