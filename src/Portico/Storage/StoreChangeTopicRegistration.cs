using Microsoft.EntityFrameworkCore;

namespace Portico.Storage;

/// <summary>
/// An entity type whose saves raise a change of <see cref="Topic"/> (see <see cref="StoreChangeInterceptor"/>);
/// made by <see cref="StoreChangeServiceCollectionExtensions.AddStoreChangeTopic"/> in the owning feature's registration.
/// </summary>
internal sealed record StoreChangeTopicRegistration(Type EntityType, StoreTopic Topic, Func<object, EntityState, string?> Subject);
