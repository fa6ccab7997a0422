using Microsoft.EntityFrameworkCore;
using Portico.Catalog;
using Portico.Storage;

namespace Portico.Connectors;

/// <summary>Connectors' names as tool prefixes, for the gateway's upstream admin.</summary>
internal sealed class ConnectorPrefixes(PorticoDbContext db) : IToolPrefixOwner
{
    public async Task<string?> UsedByAsync(string name, CancellationToken cancellationToken)
        => await db.Set<ConnectorRecord>().AnyAsync(c => c.Name == name, cancellationToken) ? "A connector" : null;
}
