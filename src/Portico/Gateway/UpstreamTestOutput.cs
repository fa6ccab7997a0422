namespace Portico.Gateway;

/// <summary>
/// The result of <c>portico upstreams test</c>: could Portico connect, and what does the upstream offer. <see cref="Error"/> says why not,
/// or, for an oauth upstream that answered with its challenge, what could not be checked without a user's token.
/// </summary>
internal sealed record UpstreamTestOutput(string Name, bool Ok, long LatencyMs, string? ServerName, string? ServerVersion, IReadOnlyList<string> Tools, string? Error);
