using Microsoft.AspNetCore.Authorization;

namespace Portico.Access;

/// <summary>
/// The only endpoints anyone may call without a credential, and why. <see cref="AllowAnonymousListed{TBuilder}"/> is the
/// one way to make an endpoint anonymous, and it refuses (at start-up) a route pattern that is not in this list, so an
/// anonymous endpoint cannot appear without an entry here. Every other endpoint gets a policy or the deny-all fallback.
/// </summary>
internal static class AnonymousEndpoints
{
    public static readonly IReadOnlyDictionary<string, string> Reasons = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["/health"] = "liveness for load balancers: status only",
        ["/health/live"] = "liveness for load balancers: status only",
        ["/health/ready"] = "readiness for load balancers: status and schema version",
        ["/health/vendors"] = "upstream status for monitors: name and status only, details need portico/admin",
        ["/.well-known/oauth-protected-resource"] = "RFC 9728 discovery, read before any credential exists",
        ["/.well-known/oauth-protected-resource/{**path}"] = "RFC 9728 discovery, read before any credential exists",
        ["/.well-known/oauth-authorization-server"] = "RFC 8414 discovery",
        ["/.well-known/openid-configuration"] = "RFC 8414 discovery (the OpenID spelling some clients ask for)",
        ["/oauth/jwks"] = "public signing keys",
        ["/oauth/register"] = "RFC 7591 registration: user-delegated grants only",
        ["/oauth/authorize"] = "the sign-in and consent pages: the browser session cookie and CSRF token are checked there",
        ["/oauth/device_authorization"] = "RFC 8628: the client authenticates itself there",
        ["/oauth/device"] = "the device verification page: browser session and CSRF are checked there",
        ["/oauth/login"] = "the portal's sign-in page: password check with lockout, CSRF-checked, returns to local paths only",
        ["/oauth/logout"] = "ends the browser's own session: CSRF-checked",
        ["/"] = "the front door: a redirect to the portal, nothing else",
        ["/oauth/token"] = "RFC 6749: clients authenticate themselves there",
        ["/oauth/revoke"] = "RFC 7009: clients authenticate themselves there",
        ["/oauth/introspect"] = "RFC 7662: the caller authenticates itself there",
        ["/mcp"] = "public server metadata (GET without an event stream); the transport itself needs a credential",
        [Hosting.McpResources.TenantPattern] = "public server metadata (GET without an event stream)",
        [Hosting.McpResources.VendorPattern] = "public server metadata (GET without an event stream)",
        [Hosting.McpResources.ToolsetPattern] = "public server metadata (GET without an event stream), the same for every name: no oracle of toolsets",
        ["/gateway/upstreams/{name}/connect"] = "a browser opening the connect link from a CREDENTIALS_MISSING answer: the link says whose sign-in it is",
        ["/gateway/oauth/callback"] = "the upstream's redirect back: the single-use state says whose sign-in it is",
    };

    /// <summary>Marks the endpoints anonymous; throws when their route pattern is not in <see cref="Reasons"/>.</summary>
    public static TBuilder AllowAnonymousListed<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        builder.Add(endpoint =>
        {
            var pattern = PatternOf(endpoint);
            if (!Reasons.ContainsKey(pattern))
            {
                throw new InvalidOperationException($"Endpoint '{pattern}' is marked anonymous but is not listed in Access/AnonymousEndpoints.cs.");
            }

            endpoint.Metadata.Add(new AllowAnonymousAttribute());
        });
        return builder;
    }

    /// <summary>The route pattern as the list spells it (a group's empty sub-route leaves a trailing slash).</summary>
    public static string PatternOf(EndpointBuilder endpoint) => Normalize((endpoint as RouteEndpointBuilder)?.RoutePattern.RawText);

    public static string Normalize(string? pattern) => pattern is null ? "" : pattern.Length > 1 ? pattern.TrimEnd('/') : pattern;
}
