using Portico.Storage;

namespace Portico.Gateway;

/// <summary>The store changes the gateway raises and its caches follow.</summary>
internal static class GatewayTopics
{
    /// <summary>An upstream was added, enabled, disabled or removed; subject: its name.</summary>
    public static readonly StoreTopic Upstreams = new("gateway.upstreams");

    /// <summary>A stored upstream credential changed; subject: <see cref="UpstreamCredentialStore.Subject"/>.</summary>
    public static readonly StoreTopic Credentials = new("gateway.credentials");

    /// <summary>A tenant's upstream tool allowlist changed; subject: the tenant id.</summary>
    public static readonly StoreTopic Allowlists = new("gateway.allowlist");

    /// <summary>A message of an input round waits in <c>upstream_round_messages</c>; subject: the round id.</summary>
    public static readonly StoreTopic InputRounds = new("gateway.input-round");
}
