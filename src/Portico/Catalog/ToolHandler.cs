using ModelContextProtocol.Protocol;

namespace Portico.Catalog;

/// <summary>Runs one tool call. Failures are returned as results, never thrown to the client.</summary>
internal delegate ValueTask<CallToolResult> ToolHandler(ToolInvocation invocation, CancellationToken cancellationToken);
