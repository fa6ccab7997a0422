using ModelContextProtocol.Protocol;
using Portico.Catalog;
using Portico.Policy;

namespace Portico.Tools.Records;

/// <summary>
/// A records or entity tool: it gets the entities of the call's tenant and nothing else, so a handler has no
/// way to reach another tenant's data (see <see cref="TenantEntities"/>).
/// </summary>
internal delegate ValueTask<CallToolResult> RecordsToolHandler(ToolInvocation invocation, TenantEntities records, CancellationToken cancellationToken);
