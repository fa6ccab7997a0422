namespace Portico.Cli.Doctor;

internal sealed partial class DoctorRun
{
    private const string UnexpectedToken = "a client shows \"Unexpected token '<'\" (an HTML page where JSON was expected)";

    /// <summary>
    /// The verdict when a request that must answer JSON got an HTML page: which request saw it, with which status and
    /// from which server, and what that status means. An error status is a proxy's (or CDN's) own page because the
    /// server behind it did not answer; a 2xx page is another site (a single-page app, a default web-server page)
    /// served where the endpoint or its metadata should be; a 404 page is routing or the path.
    /// </summary>
    private static DoctorCheck HtmlPage(string check, string request, DoctorReply reply, bool metadata)
    {
        var server = reply.Header("Server") is { } name ? $", Server: {name}" : "";
        var saw = $"{request} answers HTTP {reply.Status} {reply.ContentType ?? "without a content type"}{server}";
        if (reply.Status is >= 500)
        {
            return DoctorCheck.Fail(check, $"{saw}: an HTML error page, not JSON",
                $"An HTML error page (HTTP {reply.Status}) where JSON was expected: {UnexpectedToken}. A proxy in front of the server answers with its own error page when its backend (the MCP server) is down or unreachable, or is being deployed.",
                "Check the upstream service the proxy forwards to (is it running, and listening on the address and port the proxy's proxy_pass names?) and the proxy's proxy_pass; "
                + "if it is being deployed, wait 1-2 minutes and retry. /health answers {\"status\":\"ok\"} when the server runs; /health/vendors shows which upstream is down.");
        }

        if (reply.Status is >= 200 and < 300)
        {
            return metadata
                ? DoctorCheck.Fail(check, $"{saw}: metadata is HTML, not JSON",
                    $"The metadata is HTML, not JSON: {UnexpectedToken}. A web page (a single-page app's fallback or a default web-server page) is served where the metadata should be, so OAuth discovery fails.",
                    "Route /.well-known/oauth-protected-resource and /.well-known/oauth-authorization-server to the MCP server: in the proxy, a location for /.well-known/ that proxy_passes to it ahead of the site's catch-all (try_files ... /index.html).")
                : DoctorCheck.Fail(check, $"{saw}: a web page, not an MCP endpoint",
                    $"The URL serves a web page, not the MCP endpoint: {UnexpectedToken}. A single-page app or a default web-server page answers there.",
                    "Use the MCP endpoint's exact URL (usually ending in /mcp), and route that path to the MCP server in the proxy (a location that proxy_passes to it ahead of the site's catch-all).");
        }

        return DoctorCheck.Fail(check, $"{saw}: an HTML page, not JSON",
            $"An HTML page (HTTP {reply.Status}) where JSON was expected: {UnexpectedToken}. The request reached a web server or proxy that does not route it to the MCP server: DNS or routing misconfiguration, or the wrong path.",
            "Check the URL's host and path (the MCP endpoint is usually /mcp exactly) and the proxy's routing for that path (the location that proxy_passes to the MCP server).");
    }
}
