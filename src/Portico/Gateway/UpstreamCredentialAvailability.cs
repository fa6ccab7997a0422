using Portico.Access;
using Portico.Catalog;
using Portico.Policy;

namespace Portico.Gateway;

/// <summary>
/// Tools of an upstream that needs a stored credential are unavailable (<c>CREDENTIALS_MISSING</c>)
/// to a caller for whom none is stored: hidden from tools/list, explained with the API path and
/// CLI command that store one (for <c>oauth</c>: a call is answered with the caller's connect link). Read through <see cref="UpstreamCredentialCache"/>, so a credential
/// stored anywhere shows the tools at the next listing.
/// </summary>
internal sealed class UpstreamCredentialAvailability(GatewayToolSource source, UpstreamCredentialCache credentials, UpstreamOAuthLinks links) : IToolAvailability
{
    public async ValueTask<UnavailableTool?> CheckAsync(ToolDefinition tool, Principal principal, TenantResolution tenant, CancellationToken cancellationToken)
    {
        if (source.UpstreamOf(tool) is not { NeedsCredential: true } upstream || CredentialOwner.For(upstream, principal, tenant) is not { } owner)
        {
            return null;
        }

        if (await credentials.FindAsync(upstream.Name, owner.Kind, owner.Id, cancellationToken) is not null)
        {
            return null;
        }

        var missing = owner.MissingTool(upstream, tool.Name);
        // An oauth caller is answered with a connect link made for them at call time.
        return owner.IsOAuth
            ? missing with { Answer = (call, _) => ValueTask.FromResult(CredentialOwner.OAuth(upstream, call, links).MissingResult(upstream, call.RequestId)) }
            : missing;
    }
}
