using System.Text.Json.Nodes;
using ModelContextProtocol.Protocol;
using Portico.Catalog;
using Portico.Policy;

namespace Portico.Gateway;

/// <summary>
/// Whose stored credential a call to an upstream needs — the caller's own, its tenant's, or the
/// caller's OAuth sign-in at the upstream — and the errors that say so: which upstream, whose
/// credential, and the exact API path and CLI command that store it (or, for <c>oauth</c>, the
/// link that connects the caller).
/// </summary>
internal sealed record CredentialOwner(string Kind, string Id, string CliOwner)
{
    public const string Missing = "CREDENTIALS_MISSING";
    public const string Invalid = "CREDENTIALS_INVALID";

    /// <summary>For <c>oauth</c>: the link, made for this caller, that signs them in at the upstream.</summary>
    public string? ConnectUrl { get; init; }

    /// <summary>The caller of an <c>oauth</c> upstream, with a fresh connect link under this server's base URL.</summary>
    public static CredentialOwner OAuth(UpstreamDefinition upstream, McpCallContext call, UpstreamOAuthLinks links)
        => new(UpstreamDefinition.CredentialsOAuth, call.Principal.Id, $"--user {call.Principal.Email ?? call.Principal.Id}")
        {
            ConnectUrl = links.Create(call.Issuer ?? "", upstream.Name, call.Principal.Id),
        };

    public static CredentialOwner Of(UpstreamDefinition upstream, ToolInvocation invocation, UpstreamOAuthLinks links)
        // The tool is marked NeedsTenant, so the pipeline resolved one before calling.
        => For(upstream, invocation.Call, invocation.Tenant, links)
            ?? throw new InvalidOperationException($"Upstream '{upstream.Name}' was called without a tenant.");

    /// <summary>The owner whose credential this call would use; null for a tenant-mode upstream while no tenant is resolved.</summary>
    public static CredentialOwner? For(UpstreamDefinition upstream, McpCallContext call, Access.TenantResolution tenant, UpstreamOAuthLinks links)
        => upstream.CredentialMode == UpstreamDefinition.CredentialsOAuth ? OAuth(upstream, call, links) : For(upstream, call.Principal, tenant);

    /// <summary>
    /// The owner whose credential this caller would use, without a connect link (listing needs none:
    /// a call of a hidden <c>oauth</c> tool is answered with one); null for a tenant-mode upstream while no tenant is resolved.
    /// </summary>
    public static CredentialOwner? For(UpstreamDefinition upstream, Access.Principal principal, Access.TenantResolution tenant) => upstream.CredentialMode switch
    {
        UpstreamDefinition.CredentialsTenant => tenant.Tenant?.TenantId is { } id ? new CredentialOwner(UpstreamDefinition.CredentialsTenant, id, $"--tenant {id}") : null,
        UpstreamDefinition.CredentialsOAuth => new CredentialOwner(UpstreamDefinition.CredentialsOAuth, principal.Id, $"--user {principal.Email ?? principal.Id}"),
        _ => new CredentialOwner(UpstreamDefinition.CredentialsUser, principal.Id, $"--user {principal.Email ?? principal.Id}"),
    };

    public bool IsTenant => Kind == UpstreamDefinition.CredentialsTenant;

    public bool IsOAuth => Kind == UpstreamDefinition.CredentialsOAuth;

    public string ApiPath(string upstream) => IsTenant ? $"/admin/api/upstreams/{upstream}/credentials/tenant/{Id}" : $"/admin/api/upstreams/{upstream}/credentials/me";

    public string CliCommand(string upstream) => $"portico upstreams credentials set --name {upstream} {CliOwner}";

    /// <summary>No credential is stored for this owner: <c>CREDENTIALS_MISSING</c>.</summary>
    public CallToolResult MissingResult(UpstreamDefinition upstream, string requestId)
    {
        var missing = MissingTool(upstream, upstream.Name + VendorToolNames.Separator + "*");
        return ToolError.Result(missing.Code, missing.Message, missing.Hint, requestId, missing.Details);
    }

    /// <summary>
    /// <paramref name="tool"/> as this owner sees it while no credential is stored: hidden from
    /// tools/list, explained by list_available_tools with the same code and hint a call gets.
    /// </summary>
    public UnavailableTool MissingTool(UpstreamDefinition upstream, string tool)
        => new(tool, Missing,
            IsOAuth ? $"Upstream '{upstream.Name}' signs you in with OAuth (credential mode 'oauth'), and you have not connected your account there yet."
            : IsTenant ? $"Upstream '{upstream.Name}' needs a credential of tenant '{Id}' (credential mode 'tenant'), and none is stored for that tenant."
            : $"Upstream '{upstream.Name}' needs a credential of your own (credential mode 'user'), and none is stored for you.",
            IsOAuth ? HowToConnect(upstream.Name) : HowToStore(upstream.Name, "store it"), Details(upstream.Name));

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
                HowToConnect(upstream.Name) + " Connecting again clears the mark.", requestId, details);
        }

        return ToolError.Result(Invalid,
            IsTenant
                ? $"Upstream '{upstream.Name}' refused the stored credential of tenant '{Id}' (HTTP 401); it is marked invalid and no longer sent."
                : $"Upstream '{upstream.Name}' refused your stored credential (HTTP 401); it is marked invalid and no longer sent.",
            HowToStore(upstream.Name, "re-enter a valid one") + " Storing it again clears the mark.", requestId, details);
    }

    private string HowToConnect(string upstream)
        => ConnectUrl is null
            ? $"Call any tool of '{upstream}' to get your own connect link, open it in a browser, sign in at the upstream and allow Portico."
            : $"Open {ConnectUrl} in a browser, sign in at the upstream and allow Portico; then call the tool again. "
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
