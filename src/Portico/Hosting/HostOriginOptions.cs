namespace Portico.Hosting;

/// <summary>
/// The names this server answers to and the browser origins it serves (<see cref="HostOriginPolicy"/>). Read from
/// <c>Portico:Mcp</c>, where operators set them: the MCP endpoints are what they protect first.
/// </summary>
internal sealed class HostOriginOptions
{
    public const string SectionName = "Portico:Mcp";

    /// <summary>
    /// Host header values accepted on MCP paths (DNS-rebinding protection). Loopback names are
    /// always accepted; add the public host name when serving behind a proxy. <c>*</c> accepts any.
    /// </summary>
    public List<string> AllowedHosts { get; set; } = [];

    /// <summary>
    /// Origins allowed to call MCP paths from a browser (CORS and DNS-rebinding protection).
    /// Loopback origins are always accepted. <c>*</c> accepts any.
    /// </summary>
    public List<string> AllowedOrigins { get; set; } = [];
}
