using Microsoft.EntityFrameworkCore;

namespace Portico.Storage;

internal static class StoreChangeServiceCollectionExtensions
{
    /// <summary>
    /// Every tracked save (add, update, delete) of a <typeparamref name="TEntity"/> writes a change of
    /// <paramref name="topic"/> about <paramref name="subject"/> in the same transaction, and raises it on
    /// this instance once committed: the caches following the topic drop what they hold of that subject.
    /// <paramref name="when"/> leaves out saves no cache needs to hear of.
    /// </summary>
    public static IServiceCollection AddStoreChangeTopic<TEntity>(this IServiceCollection services, StoreTopic topic, Func<TEntity, string> subject,
        Func<TEntity, EntityState, bool>? when = null)
        where TEntity : class
    {
        services.AddSingleton(new StoreChangeTopicRegistration(typeof(TEntity), topic,
            (entity, state) => when is null || when((TEntity)entity, state) ? subject((TEntity)entity) : null));
        return services;
    }
}
