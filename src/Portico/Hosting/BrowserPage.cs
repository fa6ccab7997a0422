namespace Portico.Hosting;

/// <summary>
/// Marks an endpoint that answers a browser with HTML (the portal): its responses carry the strict security headers
/// (<see cref="BrowserPageHeaders"/>), and an access refusal is a page (<see cref="IBrowserRefusalPage"/>), not JSON.
/// </summary>
internal sealed class BrowserPage
{
    public static readonly BrowserPage Instance = new();

    private BrowserPage()
    {
    }

    public static bool Marks(HttpContext context) => context.GetEndpoint()?.Metadata.GetMetadata<BrowserPage>() is not null;
}
