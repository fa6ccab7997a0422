using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Portico.Access;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Security;

/// <summary>
/// Default deny, proved over every endpoint the application maps (read from its EndpointDataSource, so an endpoint
/// added later is covered without a new test): each one is either in the anonymous list or carries a policy, and no
/// spelling of a protected endpoint that the router accepts lets a caller without a credential through.
/// </summary>
public sealed class EndpointAccessTests
{
    private static readonly string[] AllMethods = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH"];

    [Fact]
    public async Task Every_endpoint_is_listed_anonymous_or_requires_a_policy_and_the_list_has_no_stale_entry()
    {
        await using var server = await PorticoTestServer.StartAsync();
        var endpoints = RouteEndpoints(server);
        Assert.NotEmpty(endpoints);

        var anonymous = new HashSet<string>(StringComparer.Ordinal);
        foreach (var endpoint in endpoints)
        {
            var pattern = AnonymousEndpoints.Normalize(endpoint.RoutePattern.RawText);
            if (endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null)
            {
                Assert.True(AnonymousEndpoints.Reasons.ContainsKey(pattern), $"'{pattern}' is anonymous without an entry in AnonymousEndpoints");
                anonymous.Add(pattern);
            }
            else
            {
                Assert.True(endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Any(a => a.Policy is not null),
                    $"'{pattern}' ({endpoint.DisplayName}) names no access policy: it would get the deny-all fallback");
            }
        }

        Assert.Equal(AnonymousEndpoints.Reasons.Keys.Order(StringComparer.Ordinal), anonymous.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task No_spelling_of_a_protected_endpoint_lets_a_caller_without_credentials_through()
    {
        await using var server = await PorticoTestServer.StartAsync();
        var failures = new List<string>();
        var tried = 0;
        foreach (var endpoint in RouteEndpoints(server).Where(e => e.Metadata.GetMetadata<IAllowAnonymous>() is null))
        {
            var path = Concrete(endpoint.RoutePattern.RawText!, server);
            var methods = endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? AllMethods;
            foreach (var method in methods)
            {
                foreach (var spelling in Spellings(path))
                {
                    tried++;
                    var (status, response) = await RawHttp.SendAsync(server.BaseAddress, method, spelling, Body(method), new Dictionary<string, string>
                    {
                        // Ask for the transport, not the public metadata that a plain GET of an MCP path gets.
                        ["Accept"] = "application/json, text/event-stream",
                        // A remote attacker, relayed by a trusted proxy: a scraper on the server's own host may read /metrics.
                        ["X-Forwarded-For"] = "203.0.113.9",
                    });
                    // A portal page refuses a browser without a session by sending it to the sign-in page, and shows nothing.
                    var toSignIn = status == 303 && endpoint.Metadata.GetMetadata<Portico.Hosting.BrowserPage>() is not null
                        && response.Contains("\r\nLocation: /oauth/login?return_to=", StringComparison.Ordinal) && response.EndsWith("\r\n\r\n", StringComparison.Ordinal);
                    if (status is not (401 or 403 or 404 or 405 or 400) && !toSignIn)
                    {
                        failures.Add($"{method} {spelling} → {status}: {response[..Math.Min(200, response.Length)]}");
                    }
                }
            }
        }

        Assert.True(tried > 100, $"only {tried} requests were tried");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task An_anonymous_caller_of_the_mcp_transport_gets_the_401_challenge_under_every_spelling()
    {
        await using var server = await PorticoTestServer.StartAsync();
        foreach (var spelling in Spellings("/mcp").Concat(Spellings($"/{server.TenantId}/mcp")).Concat(Spellings("/vendors/docs/mcp")).Concat(Spellings("/toolsets/docs/mcp")))
        {
            var (status, response) = await RawHttp.SendAsync(server.BaseAddress, "POST", spelling, Initialize, new Dictionary<string, string>
            {
                ["Accept"] = "application/json, text/event-stream",
            });
            if (status == 404)
            {
                continue; // a spelling the router does not accept reaches no endpoint at all
            }

            Assert.True(status == 401, $"POST {spelling} → {status}");
            Assert.Contains("WWW-Authenticate: Bearer resource_metadata=", response, StringComparison.Ordinal);
            Assert.Contains("\"code\":-32001", response, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Unknown_paths_and_wrong_methods_are_json_404_and_405_not_a_challenge()
    {
        await using var server = await PorticoTestServer.StartAsync();

        var (missing, missingBody) = await RawHttp.SendAsync(server.BaseAddress, "GET", "/nothing-here");
        var (wrongMethod, _) = await RawHttp.SendAsync(server.BaseAddress, "GET", "/oauth/token");

        Assert.Equal(404, missing);
        Assert.Contains("\"error\":\"not_found\"", missingBody, StringComparison.Ordinal);
        Assert.Equal(405, wrongMethod);
    }

    private const string Initialize = """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"attacker","version":"1"}}}""";

    private static string? Body(string method) => method is "POST" or "PUT" or "PATCH" ? Initialize : null;

    private static List<RouteEndpoint> RouteEndpoints(PorticoTestServer server)
        => server.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();

    /// <summary>A request path for a route pattern: the test tenant for tenant ids, a plausible name for other parameters.</summary>
    private static string Concrete(string pattern, PorticoTestServer server)
        => System.Text.RegularExpressions.Regex.Replace(pattern, @"\{\*{0,2}([A-Za-z]+)[^}]*(\}\})*[^}]*\}", m => m.Groups[1].Value switch
        {
            "tenantId" => server.TenantId,
            "path" => "mcp",
            _ => "docs",
        });

    /// <summary>The spellings a router may accept for one path: case, trailing slash, double slash, dot segments, percent-encoding, matrix parameters.</summary>
    public static IEnumerable<string> Spellings(string path)
    {
        var segments = path.Trim('/').Split('/');
        var last = segments[^1];
        yield return path;
        yield return path.ToUpperInvariant();
        yield return "/" + string.Join('/', segments.Select(s => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..]));
        yield return path + "/";
        yield return "/" + path;
        yield return path.Replace("/", "//", StringComparison.Ordinal);
        yield return "/." + path;
        yield return "/x/.." + path;
        yield return "/" + string.Join('/', segments[..^1].Append("./" + last));
        yield return "/" + string.Join('/', segments[..^1].Append($"%{(int)last[0]:X2}{last[1..]}"));
        yield return "/" + string.Join('/', segments[..^1].Append($"%{(int)char.ToUpperInvariant(last[0]):X2}{last[1..]}"));
        yield return path + ";x=1";
        yield return path + "%2F";
        yield return path + "?";
        yield return path + "/.";
    }
}
