using ModelContextProtocol.Protocol;
using Portico.Catalog;

namespace Portico.Tools.Records;

/// <summary>A model tool: it gets the models of the call's tenant and nothing else (see <see cref="TenantModels"/>).</summary>
internal delegate ValueTask<CallToolResult> ModelToolHandler(ToolInvocation invocation, TenantModels models, CancellationToken cancellationToken);
