using ModelContextProtocol.Protocol;

namespace Portico.Catalog;

/// <summary>
/// A tool that exists but cannot be called now: its name, the error code a call gets (e.g. <c>UPSTREAM_UNAVAILABLE</c>),
/// why, what to do, and optional details for the error envelope (e.g. the API path that stores a missing credential).
/// A name ending in <c>*</c> stands for every tool under that prefix (an upstream whose tools are not known yet).
/// </summary>
internal sealed record UnavailableTool(string Name, string Code, string Message, string Hint, System.Text.Json.Nodes.JsonObject? Details = null)
{
    /// <summary>When set, answers a call instead of <see cref="Message"/> and <see cref="Hint"/> (e.g. with a link made for the caller).</summary>
    public Func<McpCallContext, CancellationToken, ValueTask<CallToolResult>>? Answer { get; init; }

    public bool Matches(string name) => Name.EndsWith('*') ? name.StartsWith(Name[..^1], StringComparison.Ordinal) : Name == name;
}
