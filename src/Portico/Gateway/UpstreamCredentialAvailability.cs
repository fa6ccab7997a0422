using Portico.Access;
using Portico.Policy;

namespace Portico.Gateway;

/// <summary>
/// Tools of an upstream that needs a stored credential are unavailable (<c>CREDENTIALS_MISSING</c>)
/// to a caller for whom none is stored: hidden from tools/list, explained with the API path and
/// CLI command that store one. Read through <see cref="UpstreamCredentialCache"/>, so a credential
/// stored anywhere shows the tools at the next listing.
/// </summary>
internal sealed class UpstreamCredentialAvailability(GatewayToolSource source, UpstreamCredentialCache credentials) : IToolAvailability
{
    public async ValueTask<UnavailableTool?> CheckAsync(ToolDefinition tool, Principal principal, TenantResolution tenant, CancellationToken cancellationToken)
    {
        if (source.UpstreamOf(tool) is not { NeedsCredential: true } upstream || CredentialOwner.For(upstream, principal, tenant) is not { } owner)
        {
            return null;
        }

        return await credentials.FindAsync(upstream.Name, owner.Kind, owner.Id, cancellationToken) is null ? owner.MissingTool(upstream, tool.Name) : null;
    }
}
