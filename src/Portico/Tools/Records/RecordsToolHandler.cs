using ModelContextProtocol.Protocol;
using Portico.Catalog;
using Portico.Policy;

namespace Portico.Tools.Records;

/// <summary>
/// A records tool: it gets the records of the call's tenant and nothing else, so a handler has no
/// way to reach another tenant's data (see <see cref="TenantRecords"/>).
/// </summary>
internal delegate ValueTask<CallToolResult> RecordsToolHandler(ToolInvocation invocation, TenantRecords records, CancellationToken cancellationToken);
