namespace Portico.Hosting;

/// <summary>Writes the page a browser sees when a <see cref="BrowserPage"/> endpoint refuses it (the portal provides it).</summary>
internal interface IBrowserRefusalPage
{
    Task WriteAsync(HttpContext context, int status, string message, string hint);
}
