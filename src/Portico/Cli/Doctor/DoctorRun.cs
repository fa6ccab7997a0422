using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Portico.Cli.Doctor;

/// <summary>
/// Walks the checklist against one MCP endpoint over plain HTTP (any MCP server, Portico or not): network, path,
/// discovery, credential, the handshake of each revision, the tools, and a gateway's health pages. Each check adds one
/// <see cref="DoctorCheck"/>; a check that cannot run because an earlier one failed is not reported.
/// </summary>
internal sealed partial class DoctorRun(DoctorHttp http, TimeProvider time, string? token, string? tool)
{
    public const string SessionRevision = "2025-11-25";
    public const string StatelessRevision = "2026-07-28";

    private static readonly string[] RequiredServerFields = ["issuer", "authorization_endpoint", "token_endpoint"];

    public List<DoctorCheck> Checks { get; } = [];

    public string? SessionId { get; private set; }

    public Uri? Endpoint { get; private set; }

    private string? _authorization;
    private bool _requiresCredential;
    private JsonArray _tools = [];

    public async Task RunAsync(Uri url, CancellationToken cancellationToken)
    {
        var (dns, addresses) = await DoctorNetwork.DnsAsync(url, cancellationToken);
        Checks.Add(dns);
        if (dns.Status == DoctorStatus.Fail)
        {
            return;
        }

        var tcp = await DoctorNetwork.TcpAsync(url, addresses, cancellationToken);
        Checks.Add(tcp);
        if (tcp.Status == DoctorStatus.Fail)
        {
            return;
        }

        var tls = await DoctorNetwork.TlsAsync(url, time, cancellationToken);
        Checks.Add(tls);
        if (tls.Status == DoctorStatus.Fail)
        {
            return;
        }

        var (endpoint, anonymous) = await FindEndpointAsync(url, cancellationToken);
        if (endpoint is not null)
        {
            Endpoint = endpoint;
            var metadata = await ChallengeAsync(endpoint, anonymous!, cancellationToken);
            var authorizationServer = await ProtectedResourceAsync(endpoint, metadata, cancellationToken);
            await AuthorizationServerAsync(authorizationServer, cancellationToken);
            if (await CredentialAsync(endpoint, anonymous!, cancellationToken) is { } initialized)
            {
                await McpAsync(endpoint, initialized, cancellationToken);
            }
        }

        await HealthAsync(url, cancellationToken);
        await HealthVendorsAsync(url, cancellationToken);
        if (Endpoint is not null && SessionId is not null)
        {
            // Ends the session the doctor opened, so it does not linger on the server until it expires.
            await http.SendAsync(HttpMethod.Delete, Endpoint, null, McpHeaders(SessionRevision), cancellationToken);
        }
    }

    /// <summary>
    /// The exact path: the URL itself when it answers as an MCP endpoint, else the one spelling that does
    /// (host root, trailing slash, missing /mcp), reported as a FAIL that names the URL to use.
    /// </summary>
    private async Task<(Uri? Endpoint, DoctorReply? Anonymous)> FindEndpointAsync(Uri url, CancellationToken cancellationToken)
    {
        var reply = await InitializeAsync(url, null, cancellationToken);
        if (IsEndpoint(reply))
        {
            Checks.Add(DoctorCheck.Pass("path", $"POST {url} answers as an MCP endpoint ({reply.Summary})"));
            return (url, reply);
        }

        foreach (var candidate in Candidates(url))
        {
            var other = await InitializeAsync(candidate, null, cancellationToken);
            if (IsEndpoint(other))
            {
                Checks.Add(DoctorCheck.Fail("path", $"POST {url} answers {reply.Summary}; {candidate} is the MCP endpoint",
                    "Wrong path: the URL must be the MCP endpoint exactly (no host-root or trailing-slash variations).",
                    $"Configure your client with {candidate}. (The remaining checks use it.)"));
                return (candidate, other);
            }
        }

        // A 5xx is no verdict on the path: the server behind the URL did not answer (the "endpoint" check says so).
        var check = reply.Status is >= 500 ? "endpoint" : "path";
        Checks.Add(reply.IsHtml
            ? HtmlPage(check, $"POST {url} (initialize)", reply, metadata: false)
            : reply.Status is >= 500
                ? DoctorCheck.Fail(check, $"POST {url} (initialize) answers {reply.Summary}{(reply.RpcError is { } e ? $": {e}" : "")}",
                    "The server (or a proxy in front of it) failed: the MCP handshake failed.", "Retry in a moment; check /health and /health/vendors, and the server's logs.")
                : DoctorCheck.Fail(check, $"POST {url} (initialize) answers {reply.Summary}{(reply.RpcError is { } e2 ? $": {e2}" : "")}",
                    "Wrong path: the MCP handshake failed because nothing answers MCP there (just the host without a path returns 404).",
                    $"The URL must end with the MCP endpoint's path exactly, usually {url.GetLeftPart(UriPartial.Authority)}/mcp (Portico: /mcp or /{{tenantId}}/mcp), with no trailing-slash variations."));
        return (null, null);
    }

    /// <summary>An MCP endpoint answers a POSTed initialize with JSON-RPC, or refuses it for want of a credential; a 404, a redirect or a page is something else.</summary>
    private static bool IsEndpoint(DoctorReply reply)
        => !reply.IsHtml && (reply.Status is 401 or 403 || (reply.Status is >= 200 and < 300 && reply.Json is not null) || (reply.Status == 400 && reply.Json?["jsonrpc"] is not null));

    private static IEnumerable<Uri> Candidates(Uri url)
    {
        var origin = url.GetLeftPart(UriPartial.Authority);
        var path = url.AbsolutePath;
        var seen = new HashSet<string>(StringComparer.Ordinal) { url.ToString() };
        string[] paths = [path.TrimEnd('/'), path.TrimEnd('/') + "/mcp", "/mcp"];
        foreach (var candidate in paths)
        {
            var uri = new Uri(origin + (candidate.Length == 0 ? "/" : candidate));
            if (seen.Add(uri.ToString()))
            {
                yield return uri;
            }
        }
    }

    /// <summary>The 401 challenge: a protected endpoint names its protected-resource metadata in <c>WWW-Authenticate</c>.</summary>
    private Task<Uri?> ChallengeAsync(Uri endpoint, DoctorReply anonymous, CancellationToken cancellationToken)
    {
        _ = cancellationToken;
        if (anonymous.Status is not (401 or 403))
        {
            Checks.Add(DoctorCheck.Skip("challenge", $"the endpoint answers without a credential ({anonymous.Summary})"));
            return Task.FromResult<Uri?>(null);
        }

        _requiresCredential = true;
        var challenge = anonymous.Header("WWW-Authenticate");
        if (challenge is not null && ResourceMetadata().Match(challenge) is { Success: true } match && Uri.TryCreate(match.Groups[1].Value, UriKind.Absolute, out var metadata))
        {
            Checks.Add(DoctorCheck.Pass("challenge", $"401 with WWW-Authenticate: Bearer resource_metadata=\"{metadata}\""));
            return Task.FromResult<Uri?>(metadata);
        }

        Checks.Add(DoctorCheck.Warn("challenge", $"{anonymous.Status} without resource_metadata (WWW-Authenticate: {challenge ?? "none"})",
            "OAuth clients cannot discover where to sign in: they need the resource_metadata URL in the 401's WWW-Authenticate header.",
            "Use an API key with --token (clients configured with a header), or ask the server's operator to add resource_metadata to the 401 challenge (RFC 9728)."));
        return Task.FromResult<Uri?>(null);
    }

    /// <summary>Protected-resource metadata (RFC 9728) is JSON, names this endpoint, and lists its authorization server.</summary>
    private async Task<Uri?> ProtectedResourceAsync(Uri endpoint, Uri? advertised, CancellationToken cancellationToken)
    {
        var url = advertised ?? new Uri(endpoint.GetLeftPart(UriPartial.Authority) + "/.well-known/oauth-protected-resource" + endpoint.AbsolutePath.TrimEnd('/'));
        var reply = await http.GetAsync(url, cancellationToken);
        if (advertised is null && reply.Status is 404 or 405)
        {
            // An open server has nothing to protect, and an API-key-only server no OAuth to discover (the challenge check
            // already says what OAuth clients miss); its framework's 404 page is often HTML, which is no fault here.
            Checks.Add(DoctorCheck.Skip("protected-resource", $"GET {url} answers {reply.Summary}; {(_requiresCredential ? "no OAuth discovery (header-configured clients only)" : "the endpoint needs no credential")}"));
            return null;
        }

        if (reply.IsHtml)
        {
            Checks.Add(HtmlPage("protected-resource", $"GET {url}", reply, metadata: true));
            return null;
        }

        if (!reply.IsJson || reply.Status != 200)
        {
            Checks.Add(_requiresCredential
                ? DoctorCheck.Fail("protected-resource", $"GET {url} answers {reply.Summary}", "No protected-resource metadata: OAuth clients cannot find the authorization server.",
                    "Serve RFC 9728 metadata at /.well-known/oauth-protected-resource (with the endpoint's path), or configure clients with an API key header instead of OAuth.")
                : DoctorCheck.Skip("protected-resource", $"GET {url} answers {reply.Summary}; the endpoint needs no credential"));
            return null;
        }

        var resource = (string?)reply.Json!["resource"];
        var servers = reply.Json["authorization_servers"]?.AsArray().Select(s => (string?)s).OfType<string>().ToList() ?? [];
        var scopes = reply.Json["scopes_supported"]?.AsArray().Select(s => (string?)s).OfType<string>().ToList() ?? [];
        var detail = $"resource {resource ?? "(none)"}, authorization servers {(servers.Count == 0 ? "(none)" : string.Join(", ", servers))}{(scopes.Count == 0 ? "" : $", scopes {string.Join(" ", scopes)}")}";
        if (resource is null || servers.Count == 0)
        {
            Checks.Add(DoctorCheck.Fail("protected-resource", detail, "The metadata lacks 'resource' or 'authorization_servers'.", "Fix the server's RFC 9728 metadata: both fields are required for OAuth clients."));
            return null;
        }

        Checks.Add(SameResource(resource, endpoint)
            ? DoctorCheck.Pass("protected-resource", detail)
            : DoctorCheck.Warn("protected-resource", detail, $"The metadata's resource '{resource}' is not this endpoint ({endpoint}): tokens are requested for another audience and refused here.",
                $"Use the endpoint the metadata names ({resource}), or fix the server's public URL (behind a proxy: forwarded headers)."));
        return Uri.TryCreate(servers[0], UriKind.Absolute, out var issuer) ? issuer : null;
    }

    private static bool SameResource(string resource, Uri endpoint)
        => string.Equals(resource.TrimEnd('/'), endpoint.ToString().TrimEnd('/'), StringComparison.OrdinalIgnoreCase);

    /// <summary>Authorization-server metadata (RFC 8414, else OpenID discovery) is JSON with the endpoints an OAuth client needs.</summary>
    private async Task AuthorizationServerAsync(Uri? issuer, CancellationToken cancellationToken)
    {
        if (issuer is null)
        {
            return;
        }

        var origin = issuer.GetLeftPart(UriPartial.Authority);
        var path = issuer.AbsolutePath.TrimEnd('/');
        DoctorReply? reply = null;
        Uri? url = null;
        foreach (var candidate in new[] { $"{origin}/.well-known/oauth-authorization-server{path}", $"{origin}/.well-known/openid-configuration{path}", $"{origin}{path}/.well-known/openid-configuration" }.Distinct())
        {
            url = new Uri(candidate);
            reply = await http.GetAsync(url, cancellationToken);
            if (reply.Status == 200 && reply.IsJson)
            {
                break;
            }
        }

        if (reply!.IsHtml)
        {
            Checks.Add(HtmlPage("authorization-server", $"GET {url}", reply, metadata: true));
            return;
        }

        if (reply.Status != 200 || !reply.IsJson)
        {
            Checks.Add(DoctorCheck.Fail("authorization-server", $"no metadata for {issuer} (last: GET {url} answers {reply.Summary})",
                "OAuth clients cannot find the authorization and token endpoints.", $"Serve RFC 8414 metadata at {origin}/.well-known/oauth-authorization-server{path}."));
            return;
        }

        var json = reply.Json!;
        string[] missing = [.. RequiredServerFields.Where(f => json[f] is null)];
        var methods = json["code_challenge_methods_supported"]?.AsArray().Select(m => (string?)m).ToList() ?? [];
        var detail = $"issuer {(string?)json["issuer"]}, token endpoint {(string?)json["token_endpoint"]}{(json["registration_endpoint"] is null ? "" : ", dynamic client registration")}";
        Checks.Add(missing.Length > 0
            ? DoctorCheck.Fail("authorization-server", detail, $"The metadata lacks {string.Join(", ", missing)}.", "Fix the authorization server's RFC 8414 metadata.")
            : !methods.Contains("S256")
                ? DoctorCheck.Warn("authorization-server", detail, "code_challenge_methods_supported does not list S256: MCP clients require PKCE with S256 and may refuse to sign in.", "Enable PKCE S256 on the authorization server and list it in its metadata.")
                : DoctorCheck.Pass("authorization-server", detail));
    }

    [GeneratedRegex("resource_metadata=\"([^\"]+)\"")]
    private static partial Regex ResourceMetadata();
}
