using Microsoft.EntityFrameworkCore;
using Portico.Access;
using Portico.Catalog;
using Portico.Storage;

namespace Portico.Gateway;

/// <summary>
/// Adds, lists and removes upstreams in the store. Every save is a store change (<see cref="GatewayTopics.Upstreams"/>),
/// so every running instance applies it without a restart. A name another source uses as its tools' prefix (a connector:
/// <paramref name="prefixOwners"/>) is refused, since their tools would collide.
/// </summary>
internal sealed class UpstreamAdmin(PorticoDbContext db, TimeProvider time, IEnumerable<IToolPrefixOwner> prefixOwners)
{
    public const string Hint = "See 'portico upstreams add --help' for the options.";

    public async Task<UpstreamDefinition> AddAsync(UpstreamDefinition upstream, CancellationToken cancellationToken)
    {
        if (upstream.Problem() is { } problem)
        {
            throw new AccessException(problem, Hint);
        }

        if (await db.Set<UpstreamRecord>().AnyAsync(u => u.Name == upstream.Name, cancellationToken))
        {
            throw new AccessException($"An upstream named '{upstream.Name}' already exists.",
                $"Pick another name, or remove it first with 'portico upstreams remove --name {upstream.Name}'.");
        }

        foreach (var owner in prefixOwners)
        {
            if (await owner.UsedByAsync(upstream.Name, cancellationToken) is { } user)
            {
                throw new AccessException($"{user} named '{upstream.Name}' already exists; its tools use the prefix '{upstream.Name}__'.",
                    "Pick another name for the upstream: two sources with one name would serve colliding tools.");
            }
        }

        db.Set<UpstreamRecord>().Add(upstream.ToRecord(time.GetUtcNow()));
        await db.SaveChangesAsync(cancellationToken);
        return upstream;
    }

    public async Task<IReadOnlyList<UpstreamDefinition>> ListAsync(CancellationToken cancellationToken)
        => [.. (await db.Set<UpstreamRecord>().AsNoTracking().OrderBy(u => u.Name).ToListAsync(cancellationToken)).Select(UpstreamDefinition.FromRecord)];

    public async Task<UpstreamDefinition> GetAsync(string name, CancellationToken cancellationToken)
        => await db.Set<UpstreamRecord>().AsNoTracking().FirstOrDefaultAsync(u => u.Name == name, cancellationToken) is { } record
            ? UpstreamDefinition.FromRecord(record)
            : throw NotFound(name);

    /// <summary>
    /// Serves (<paramref name="enabled"/>) or stops serving the upstream on every instance: a disabled one keeps its
    /// definition and credentials, offers no tools and is not health-checked. Returns whether anything changed.
    /// </summary>
    public async Task<bool> SetEnabledAsync(string name, bool enabled, CancellationToken cancellationToken)
    {
        var record = await db.Set<UpstreamRecord>().FirstOrDefaultAsync(u => u.Name == name, cancellationToken) ?? throw NotFound(name);
        if (record.Enabled == enabled)
        {
            return false;
        }

        record.Enabled = enabled;
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    public async Task RemoveAsync(string name, CancellationToken cancellationToken)
    {
        var record = await db.Set<UpstreamRecord>().FirstOrDefaultAsync(u => u.Name == name, cancellationToken) ?? throw NotFound(name);
        db.Set<UpstreamRecord>().Remove(record);
        await db.SaveChangesAsync(cancellationToken);
    }

    private static AccessException NotFound(string name)
        => new($"No upstream named '{name}'.", "List the upstreams with 'portico upstreams list'.");
}
