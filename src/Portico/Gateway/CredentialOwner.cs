using System.Text.Json.Nodes;
using ModelContextProtocol.Protocol;
using Portico.Policy;

namespace Portico.Gateway;

/// <summary>
/// Whose stored credential a call to an upstream needs — the caller's own or its tenant's — and
/// the errors that say so: which upstream, whose credential, and the exact API path and CLI
/// command that store it.
/// </summary>
internal sealed record CredentialOwner(string Kind, string Id, string CliOwner)
{
    public const string Missing = "CREDENTIALS_MISSING";
    public const string Invalid = "CREDENTIALS_INVALID";

    /// <summary>For <c>oauth</c>: the link, made for this caller, that signs them in at the upstream.</summary>
    public string? ConnectUrl { get; init; }

    /// <summary>The caller of an <c>oauth</c> upstream, with a fresh connect link under this server's base URL.</summary>
    public static CredentialOwner OAuth(UpstreamDefinition upstream, Mcp.McpCallContext call, UpstreamOAuthLinks links)
        => new(UpstreamDefinition.CredentialsOAuth, call.Principal.Id, $"--user {call.Principal.Email ?? call.Principal.Id}")
        {
            ConnectUrl = links.Create(call.Issuer ?? "", upstream.Name, call.Principal.Id),
        };

    public static CredentialOwner Of(UpstreamDefinition upstream, ToolInvocation invocation, UpstreamOAuthLinks links)
    {
        var principal = invocation.Call.Principal;
        if (upstream.CredentialMode == UpstreamDefinition.CredentialsOAuth)
        {
            return OAuth(upstream, invocation.Call, links);
        }

        if (upstream.CredentialMode == UpstreamDefinition.CredentialsTenant)
        {
            // The tool is marked NeedsTenant, so the pipeline resolved one before calling.
            var tenant = invocation.Tenant.Tenant?.TenantId ?? throw new InvalidOperationException($"Upstream '{upstream.Name}' was called without a tenant.");
            return new CredentialOwner(UpstreamDefinition.CredentialsTenant, tenant, $"--tenant {tenant}");
        }

        return new CredentialOwner(UpstreamDefinition.CredentialsUser, principal.Id, $"--user {principal.Email ?? principal.Id}");
    }

    public bool IsTenant => Kind == UpstreamDefinition.CredentialsTenant;

    public bool IsOAuth => Kind == UpstreamDefinition.CredentialsOAuth;

    public string ApiPath(string upstream) => IsTenant ? $"/admin/api/upstreams/{upstream}/credentials/tenant/{Id}" : $"/admin/api/upstreams/{upstream}/credentials/me";

    public string CliCommand(string upstream) => $"portico upstreams credentials set --name {upstream} {CliOwner}";

    /// <summary>No credential is stored for this owner: <c>CREDENTIALS_MISSING</c>.</summary>
    public CallToolResult MissingResult(UpstreamDefinition upstream, string requestId)
        => ToolError.Result(Missing,
            IsOAuth ? $"Upstream '{upstream.Name}' signs you in with OAuth (credential mode 'oauth'), and you have not connected your account there yet."
            : IsTenant ? $"Upstream '{upstream.Name}' needs a credential of tenant '{Id}' (credential mode 'tenant'), and none is stored for that tenant."
            : $"Upstream '{upstream.Name}' needs a credential of your own (credential mode 'user'), and none is stored for you.",
            IsOAuth ? HowToConnect() : HowToStore(upstream.Name, "store it"), requestId, Details(upstream.Name));

    /// <summary>The upstream refused the stored credential (HTTP 401): <c>CREDENTIALS_INVALID</c> until it is stored again.</summary>
    public CallToolResult InvalidResult(UpstreamDefinition upstream, DateTimeOffset since, string? reason, string requestId)
    {
        var details = Details(upstream.Name);
        details["invalidSince"] = since.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        details["upstreamAnswer"] = reason;
        if (IsOAuth)
        {
            return ToolError.Result(Invalid,
                $"Upstream '{upstream.Name}' no longer accepts your OAuth sign-in ({reason}); it is marked invalid and no longer sent.",
                HowToConnect() + " Connecting again clears the mark.", requestId, details);
        }

        return ToolError.Result(Invalid,
            IsTenant
                ? $"Upstream '{upstream.Name}' refused the stored credential of tenant '{Id}' (HTTP 401); it is marked invalid and no longer sent."
                : $"Upstream '{upstream.Name}' refused your stored credential (HTTP 401); it is marked invalid and no longer sent.",
            HowToStore(upstream.Name, "re-enter a valid one") + " Storing it again clears the mark.", requestId, details);
    }

    private string HowToConnect()
        => $"Open {ConnectUrl} in a browser, sign in at the upstream and allow Portico; then call the tool again. "
            + $"The link is made for you alone and is valid for {UpstreamOAuthLinks.Lifetime.TotalMinutes:0} minutes (a later call gives a new one).";

    private string HowToStore(string upstream, string what)
        => IsTenant
            ? $"A tenant owner or admin can {what} with PUT {ApiPath(upstream)} and the body {{\"secret\":\"…\"}} (with their API key), "
                + $"or an operator runs: {CliCommand(upstream)} (the secret is read from stdin)."
            : $"You can {what} with PUT {ApiPath(upstream)} and the body {{\"secret\":\"…\"}} (with your API key), "
                + $"or an operator runs: {CliCommand(upstream)} (the secret is read from stdin).";

    private JsonObject Details(string upstream) => IsOAuth
        ? new JsonObject
        {
            ["upstream"] = upstream,
            ["credentialMode"] = Kind,
            ["ownerId"] = Id,
            ["connectUrl"] = ConnectUrl,
        }
        : new JsonObject
        {
            ["upstream"] = upstream,
            ["credentialMode"] = Kind,
            ["ownerId"] = Id,
            ["apiPath"] = ApiPath(upstream),
            ["cliCommand"] = CliCommand(upstream),
        };
}
