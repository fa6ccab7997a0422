namespace Portico.Gateway;

/// <summary>A connect link that was opened (a link works once): the SHA-256 of its id, kept until the link would have expired anyway.</summary>
internal sealed class UpstreamOAuthSpentLinkRecord
{
    public required string Id { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }
}
