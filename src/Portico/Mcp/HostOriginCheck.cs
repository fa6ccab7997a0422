namespace Portico.Mcp;

/// <summary>Endpoint metadata: <see cref="HostOriginMiddleware"/> checks Host and Origin (DNS rebinding) and answers CORS for this endpoint.</summary>
internal sealed class HostOriginCheck
{
    public static readonly HostOriginCheck Instance = new();

    private HostOriginCheck()
    {
    }
}
