using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Portico.Catalog;

/// <summary>A fixed resource and how to read it.</summary>
internal sealed record ResourceDefinition(
    Resource Resource,
    Func<RequestContext<ReadResourceRequestParams>, CancellationToken, ValueTask<ReadResourceResult>> Read);
