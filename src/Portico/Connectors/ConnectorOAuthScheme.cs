namespace Portico.Connectors;

/// <summary>
/// An OAuth connector's provider as its document declares it: the <c>oauth2</c> authorization code flow's URLs, or the
/// <c>openIdConnect</c> discovery URL; and the scopes its security requirements name (asked for at sign-in).
/// </summary>
internal sealed record ConnectorOAuthScheme(Uri? AuthorizationUrl, Uri? TokenUrl, Uri? OpenIdConnectUrl, IReadOnlyList<string> Scopes)
{
    /// <summary>What identifies the provider: a change (another URL in a reloaded document) means registering anew.</summary>
    public string Provider => OpenIdConnectUrl?.AbsoluteUri ?? $"{AuthorizationUrl!.AbsoluteUri} {TokenUrl!.AbsoluteUri}";
}
