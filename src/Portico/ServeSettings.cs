namespace Portico;

/// <summary>What <c>portico serve</c> was asked to do; tests build servers from the same settings.</summary>
internal sealed record ServeSettings
{
    public string Urls { get; init; } = "http://127.0.0.1:8080";

    public string Store { get; init; } = "portico.db";

    /// <summary>Development mode for the MCP conformance suite: fixture pack on, anonymous loopback callers.</summary>
    public bool Conformance { get; init; }

    /// <summary>Extra configuration (key → value), applied over files and environment.</summary>
    public IReadOnlyDictionary<string, string?> Configuration { get; init; } = new Dictionary<string, string?>();
}
