namespace Portico.Connectors;

/// <summary>
/// A client the operator registered by hand at an OAuth connector's provider, for providers without dynamic client
/// registration: <c>Portico:Connectors:OAuthClients:{connector}:ClientId</c> and <c>…:ClientSecret</c> (leave the secret
/// out for a public client). Its redirect URI at the provider is <c>{public URL}/connectors/oauth/callback</c>.
/// </summary>
internal sealed class ConnectorOAuthClientOptions
{
    public string? ClientId { get; set; }

    public string? ClientSecret { get; set; }
}
