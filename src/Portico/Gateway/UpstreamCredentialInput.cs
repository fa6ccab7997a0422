namespace Portico.Gateway;

/// <summary>The body of <c>PUT /admin/api/upstreams/{name}/credentials/…</c>.</summary>
internal sealed record UpstreamCredentialInput
{
    public string? Secret { get; init; }
}
