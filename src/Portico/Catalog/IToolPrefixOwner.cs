namespace Portico.Catalog;

/// <summary>
/// A kind of source whose tools are named <c>&lt;name&gt;__&lt;tool&gt;</c> (upstreams, connectors). Two sources with one
/// name would serve colliding tools, so whoever takes a name asks every owner first. Declared here, below the sources,
/// so a lower one (the gateway) can ask a higher one (connectors) without knowing it.
/// </summary>
internal interface IToolPrefixOwner
{
    /// <summary>What already uses <paramref name="name"/> as its prefix ("A connector"), or null when it is free here.</summary>
    Task<string?> UsedByAsync(string name, CancellationToken cancellationToken);
}
