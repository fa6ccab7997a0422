namespace Portico.Policy;

/// <summary>
/// A tool that exists but cannot be called now: its name, the error code a call gets (e.g. <c>UPSTREAM_UNAVAILABLE</c>),
/// why, what to do, and optional details for the error envelope (e.g. the API path that stores a missing credential).
/// </summary>
internal sealed record UnavailableTool(string Name, string Code, string Message, string Hint, System.Text.Json.Nodes.JsonObject? Details = null);
