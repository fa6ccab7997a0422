namespace Portico.Gateway;

/// <summary>A refused admin API request: what is wrong and what to do.</summary>
internal sealed record GatewayError(string Error, string Hint);
