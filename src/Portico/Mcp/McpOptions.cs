namespace Portico.Mcp;

/// <summary>Settings of the MCP endpoint, bound from <c>Portico:Mcp</c>.</summary>
internal sealed class McpOptions
{
    public const string SectionName = "Portico:Mcp";

    /// <summary>Largest accepted POST body; larger ones get 413.</summary>
    public long MaxRequestBodyBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>A session unused for this long expires and its id gets 404.</summary>
    public TimeSpan SessionIdleTimeout { get; set; } = TimeSpan.FromHours(8);

    /// <summary>
    /// Open sessions one principal may hold (all instances together); initializing one more closes the one
    /// idle longest, whose id then answers 404. Bounds the memory and rows a single credential can claim.
    /// </summary>
    public int MaxSessionsPerPrincipal { get; set; } = 100;

    /// <summary>Events kept per SSE stream for resumption with <c>Last-Event-ID</c>.</summary>
    public int EventsPerStream { get; set; } = 256;

    /// <summary>
    /// SSE streams kept per session for resumption; the oldest finished ones go first. Small on
    /// purpose: a client resumes the stream it just lost, and every kept stream is memory the
    /// garbage collector must walk (64 made most collections gen1 under load).
    /// </summary>
    public int StreamsPerSession { get; set; } = 8;

    /// <summary>The <c>retry</c> hint sent with priming events, telling clients how soon to reconnect.</summary>
    public TimeSpan ReconnectInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Where the public metadata (<c>GET /mcp</c>) points people for documentation.</summary>
    public string DocsUrl { get; set; } = "https://modelcontextprotocol.io/specification/2025-11-25/basic/transports";
}
