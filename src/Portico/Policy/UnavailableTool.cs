namespace Portico.Policy;

/// <summary>A tool that exists but cannot be called now: its name, the error code a call gets (e.g. <c>UPSTREAM_UNAVAILABLE</c>), why, and what to do.</summary>
internal sealed record UnavailableTool(string Name, string Code, string Message, string Hint);
