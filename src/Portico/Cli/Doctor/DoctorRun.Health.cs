using System.Text.Json.Nodes;

namespace Portico.Cli.Doctor;

internal sealed partial class DoctorRun
{
    /// <summary>A gateway's liveness page (seed 001: "if /health returns {"status":"ok"}, the gateway is running"); absent on plain MCP servers.</summary>
    private async Task HealthAsync(Uri url, CancellationToken cancellationToken)
    {
        var health = new Uri(url.GetLeftPart(UriPartial.Authority) + "/health");
        var reply = await http.GetAsync(health, cancellationToken);
        if (!reply.Answered)
        {
            return;
        }

        if (reply.IsHtml)
        {
            // A 404 page or a site's page (a single-page app answers every path) means there is no /health here.
            Checks.Add(reply.Status is 404 or (>= 200 and < 300)
                ? DoctorCheck.Skip("health", $"GET {health} answers {reply.Summary} (HTML); not a gateway with /health")
                : HtmlPage("health", $"GET {health}", reply, metadata: false));
            return;
        }

        var status = (string?)reply.Json?["status"];
        Checks.Add(reply.Status == 200 && status is "ok" or "healthy" or "Healthy"
            ? DoctorCheck.Pass("health", $"GET {health}: {{\"status\":\"{status}\"}}")
            : reply.Status is 404 or 405
                ? DoctorCheck.Skip("health", $"GET {health} answers {reply.Summary}; not a gateway with /health")
                : DoctorCheck.Fail("health", $"GET {health} answers {reply.Summary}{(status is null ? "" : $" (status {status})")}",
                    "The server is not healthy, or it is being deployed.", "Wait 1-2 minutes (a deployment completes within about 60 seconds) and retry; if it persists, read the server's logs."));
    }

    /// <summary>A gateway's upstreams (seed 001: "check /health/vendors to see if a specific vendor is down", and its consecutiveFailures).</summary>
    private async Task HealthVendorsAsync(Uri url, CancellationToken cancellationToken)
    {
        var vendors = new Uri(url.GetLeftPart(UriPartial.Authority) + "/health/vendors");
        var reply = await http.GetAsync(vendors, cancellationToken, _authorization);
        if (!reply.Answered || reply.Status is 404 or 405 || (reply.IsHtml && reply.Status is >= 200 and < 300))
        {
            if (reply.Answered)
            {
                Checks.Add(DoctorCheck.Skip("health/vendors", $"GET {vendors} answers {reply.Summary}; not a gateway"));
            }

            return;
        }

        if (reply.IsHtml || reply.Json is not JsonArray list)
        {
            Checks.Add(reply.IsHtml
                ? HtmlPage("health/vendors", $"GET {vendors}", reply, metadata: false)
                : DoctorCheck.Fail("health/vendors", $"GET {vendors} answers {reply.Summary}", "The upstream health list is not the expected JSON array.", "Read the server's logs."));
            return;
        }

        var down = list.Where(v => (string?)v?["status"] == "down").ToList();
        var degraded = list.Where(v => (string?)v?["status"] == "degraded").ToList();
        var summary = list.Count == 0 ? "no upstreams" : string.Join(", ", list.Select(v => $"{(string?)v?["name"]} {(string?)v?["status"]}"));
        if (down.Count > 0)
        {
            Checks.Add(DoctorCheck.Fail("health/vendors", summary,
                $"{string.Join("; ", down.Select(Describe))}: the upstream is unreachable (restarting after a deployment, an outage of its API, or a crash).",
                "Wait 2-5 minutes (upstreams usually recover by themselves) and check consecutiveFailures in /health/vendors (with an admin credential): if it keeps climbing, the problem is ongoing. Other upstreams keep working; only this one's tools are unavailable."));
            return;
        }

        Checks.Add(degraded.Count > 0
            ? DoctorCheck.Warn("health/vendors", summary, $"{string.Join("; ", degraded.Select(Describe))}: recent health checks failed.", "Watch consecutiveFailures in /health/vendors: if it climbs, the upstream is going down.")
            : DoctorCheck.Pass("health/vendors", summary));
    }

    private static string Describe(JsonNode? vendor)
    {
        var text = $"upstream '{(string?)vendor?["name"]}' is {(string?)vendor?["status"]}";
        if (vendor?["consecutiveFailures"] is { } failures)
        {
            text += $" after {failures} consecutive failed checks";
        }

        return vendor?["lastError"] is { } error ? $"{text} (last error: {error})" : text;
    }
}
