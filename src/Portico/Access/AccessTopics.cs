using Portico.Storage;

namespace Portico.Access;

/// <summary>The store changes Access raises (see <see cref="AccessServiceCollectionExtensions.AddAccessStoreTopics"/>) and its caches follow.</summary>
internal static class AccessTopics
{
    /// <summary>An API key changed (revoked, scopes); subject: the key id.</summary>
    public static readonly StoreTopic Key = new("key");

    /// <summary>A user's memberships changed; subject: the user id.</summary>
    public static readonly StoreTopic User = new("user");

    /// <summary>A tenant changed (plan, name); subject: the tenant id.</summary>
    public static readonly StoreTopic Tenant = new("tenant");
}
