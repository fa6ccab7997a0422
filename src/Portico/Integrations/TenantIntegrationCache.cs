using Portico.Access;
using Portico.Storage;

namespace Portico.Integrations;

/// <summary>
/// The secrets calls use, read through from the store and decrypted once per change. A set or clear anywhere (this
/// instance, another one, the CLI) drops the cached entry, so "configured" takes effect at the next call on every instance.
/// </summary>
internal sealed class TenantIntegrationCache : IDisposable
{
    private readonly InvalidatingCache<(string TenantId, string Integration), string?> _secrets;

    public TenantIntegrationCache(IServiceScopeFactory scopes, StoreChanges changes)
        => _secrets = new InvalidatingCache<(string TenantId, string Integration), string?>(changes, scopes,
                (services, key, cancellationToken) => services.GetRequiredService<TenantIntegrationStore>().GetSecretAsync(key.TenantId, key.Integration, cancellationToken))
            .DropOn(IntegrationTopics.Secrets, KeyOf)
            // Tenant rows change rarely; a change may be the tenant's removal, whose rows cascade away without a change of their own.
            .DropWhere(AccessTopics.Tenant, (tenantId, key) => key.TenantId == tenantId);

    public ValueTask<string?> GetSecretAsync(string tenantId, string integration, CancellationToken cancellationToken)
        => _secrets.GetAsync((tenantId, integration), cancellationToken);

    public void Dispose() => _secrets.Dispose();

    /// <summary>Integration names carry no '|', so the last one separates the two parts of <see cref="TenantIntegrationStore.Subject"/>.</summary>
    private static (string, string) KeyOf(string subject)
    {
        var separator = subject.LastIndexOf('|');
        return separator < 0 ? (subject, "") : (subject[..separator], subject[(separator + 1)..]);
    }
}
