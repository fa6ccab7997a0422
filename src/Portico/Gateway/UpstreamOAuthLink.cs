namespace Portico.Gateway;

/// <summary>A connect link as read: whose it is, its id (spent when opened) and when it expires; or why it is refused.</summary>
internal sealed record UpstreamOAuthLink(string? UserId, string? Id, DateTimeOffset ExpiresAt, string? Problem)
{
    public static UpstreamOAuthLink Refused(string problem) => new(null, null, default, problem);
}
