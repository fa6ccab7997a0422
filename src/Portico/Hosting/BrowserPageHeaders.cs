namespace Portico.Hosting;

/// <summary>
/// The headers of every <see cref="BrowserPage"/> response, refusals and sign-in redirects included: a Content-Security-Policy
/// that allows only this server's own stylesheet, script and forms (no inline script or style, no third party, no
/// framing), no caching of pages that show secrets, no referrer, no sniffing.
/// </summary>
internal sealed class BrowserPageHeaders(RequestDelegate next)
{
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    public Task InvokeAsync(HttpContext context)
    {
        if (BrowserPage.Marks(context))
        {
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XFrameOptions = "DENY";
            headers.XContentTypeOptions = "nosniff";
            headers.CacheControl = "no-store";
            headers["Referrer-Policy"] = "no-referrer";
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
        }

        return next(context);
    }
}
