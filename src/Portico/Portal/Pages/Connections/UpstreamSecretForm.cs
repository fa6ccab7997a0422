namespace Portico.Portal.Pages.Connections;

/// <summary>A credential form as posted: which upstream, and (to store one) the secret. Whose credential it is comes from the page, never the form.</summary>
internal sealed class UpstreamSecretForm
{
    public string? Upstream { get; set; }

    public string? Secret { get; set; }
}
