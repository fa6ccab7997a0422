using Microsoft.AspNetCore.DataProtection;
using Portico.Storage;

namespace Portico.Security;

/// <summary>
/// Puts the Data Protection key ring under the key-encryption key and makes sure the ring has a key, after the store
/// is migrated and before Data Protection's own hosted service loads the ring (registration order).
/// </summary>
internal sealed class KeyRingStartup(StoreConnection store, KeyRingProtection keyRing, IDataProtectionProvider protection) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // Instances starting together on an empty store would each create a first key; one at a time,
        // the first creates it and the others find it in the store.
        await using (await StoreLock.AcquireAsync(store, "startup", cancellationToken))
        {
            await keyRing.PrepareAsync(cancellationToken);
            protection.CreateProtector("Portico.Startup").Protect([1]);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
