using Microsoft.Extensions.Options;
using Portico.Hosting;
using Portico.Mcp;

namespace Portico.Identity;

/// <summary>
/// The issuer and the MCP resource URLs this server answers for: <c>Portico:Identity:Issuer</c>, or, unset, the request's
/// Host when it names this server — a loopback name (any port) or one in <c>Portico:Mcp:AllowedHosts</c>, the list the
/// MCP host check uses (<see cref="HostOriginPolicy"/>). Any other Host gets no URL naming it: the Host header is the
/// client's to choose, and metadata built from it would send clients to whatever server the attacker names.
/// </summary>
internal sealed class IdentityUrls(IOptionsMonitor<IdentityOptions> options, HostOriginPolicy hosts)
{
    /// <summary>Throws <c>invalid_request</c> (400) for a Host that does not name this server while no issuer is configured.</summary>
    public string Issuer(HttpRequest request)
    {
        if (options.CurrentValue.Issuer is { Length: > 0 } configured)
        {
            return configured.TrimEnd('/');
        }

        if (!hosts.IsHostAllowed(request.Host))
        {
            throw OAuthException.InvalidRequest(
                $"The Host '{request.Host.Host}' is not a name of this server, so no issuer or metadata is derived from it. Operator: set {IdentityOptions.SectionName}:Issuer "
                + $"to the public URL (e.g. Portico__Identity__Issuer=https://mcp.example.com), or add the name to {HostOriginPolicy.AllowedHostsSetting}.");
        }

        return $"{request.Scheme}://{request.Host}{request.PathBase}";
    }

    /// <summary>The resource URL of an MCP path (RFC 8707 audience of tokens for it).</summary>
    public string Resource(HttpRequest request, PathString mcpPath) => Issuer(request) + mcpPath;

    public string DefaultResource(HttpRequest request) => Resource(request, "/mcp");

    public string ProtectedResourceMetadata(HttpRequest request, PathString mcpPath) => $"{Issuer(request)}/.well-known/oauth-protected-resource{mcpPath}";

    /// <summary>
    /// The RFC 8707 <c>resource</c> parameter, checked: absent means <c>/mcp</c>; otherwise an MCP
    /// endpoint of this server, else <c>invalid_target</c> — a token for another server is never issued here.
    /// </summary>
    public string ValidateResource(HttpRequest request, string? resource)
    {
        if (string.IsNullOrEmpty(resource))
        {
            return DefaultResource(request);
        }

        return Normalize(request, resource) ?? throw new OAuthException("invalid_target",
            $"The resource '{resource}' is not served here. Use this server's MCP endpoint, e.g. '{DefaultResource(request)}' (see /.well-known/oauth-protected-resource).");
    }

    /// <summary>Whether a token's audience is one of this server's MCP resources, i.e. the token was issued for this server.</summary>
    public bool IsOwnResource(HttpRequest request, string? audience) => audience is not null && Normalize(request, audience) == audience;

    /// <summary>An MCP endpoint of this server in its canonical form (issuer as configured, no trailing slash); null when it is not one.</summary>
    private string? Normalize(HttpRequest request, string resource)
    {
        var issuer = Issuer(request);
        var trimmed = resource.TrimEnd('/');
        return !Uri.TryCreate(trimmed, UriKind.Absolute, out var uri) || uri.Fragment.Length > 0 || uri.Query.Length > 0
            || !trimmed.StartsWith(issuer + "/", StringComparison.OrdinalIgnoreCase) || !McpResources.IsResourcePath(trimmed[issuer.Length..])
            ? null
            : issuer + trimmed[issuer.Length..];
    }
}
