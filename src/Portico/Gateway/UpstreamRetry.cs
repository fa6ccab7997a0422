using ModelContextProtocol.Protocol;

namespace Portico.Gateway;

/// <summary>A stateless caller's retry of a stateless upstream's call: its answers, and the upstream's own <c>requestState</c> unwrapped from Portico's.</summary>
internal sealed record UpstreamRetry(IDictionary<string, InputResponse> Responses, string? RequestState);
