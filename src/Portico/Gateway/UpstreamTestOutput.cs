namespace Portico.Gateway;

/// <summary>The result of <c>portico upstreams test</c>: could Portico connect, and what does the upstream offer.</summary>
internal sealed record UpstreamTestOutput(string Name, bool Ok, long LatencyMs, string? ServerName, string? ServerVersion, IReadOnlyList<string> Tools, string? Error);
