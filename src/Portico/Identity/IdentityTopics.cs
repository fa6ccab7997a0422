using Portico.Storage;

namespace Portico.Identity;

/// <summary>The store changes Identity raises and its caches follow.</summary>
internal static class IdentityTopics
{
    /// <summary>A grant was revoked or removed; subject: the grant id.</summary>
    public static readonly StoreTopic Grants = new("oauth_grant");

    /// <summary>An operator added or removed a client; subject: the client id.</summary>
    public static readonly StoreTopic Clients = new("oauth_client");
}
