namespace Portico.Gateway;

/// <summary>An upstream has as many sessions as it may, all in use: a new caller's session would exceed the cap.</summary>
internal sealed class UpstreamBusyException(string upstream, int max)
    : Exception($"Upstream '{upstream}' is busy: it serves at most {max} sessions at once (one per stored credential), and all of them are in use.")
{
    public const string Code = "UPSTREAM_BUSY";

    public const string Hint = "Retry in a moment; an operator can raise Portico:Gateway:MaxConnectionsPerUpstream.";
}
