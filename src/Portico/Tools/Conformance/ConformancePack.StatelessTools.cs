// MCP9005: sampling is deprecated by the 2026-07-28 revision; test_missing_capability names it because the
// server-stateless scenario probes exactly that capability.
#pragma warning disable MCP9005

using System.Globalization;
using System.Text.Json;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using Portico.Catalog;

namespace Portico.Tools.Conformance;

/// <summary>
/// Tools the 2026-07-28 scenarios look for: one whose arguments travel as <c>Mcp-Param-*</c> headers
/// (<c>http-custom-header-server-validation</c>), and the diagnostics of <c>server-stateless</c> that make the
/// hosting's own behaviour observable (a missing client capability, a response stream, per-request log levels).
/// </summary>
internal sealed partial class ConformancePack
{
    /// <summary>
    /// <c>region</c> is the string the scenario sends plain, as Base64 and without its header; <c>priority</c> and
    /// <c>verbose</c> show integer and boolean headers; <c>query</c> has no header.
    /// </summary>
    private static readonly JsonElement ParamHeadersSchema = JsonDocument.Parse("""
        {
          "type": "object",
          "properties": {
            "region": { "type": "string", "description": "Where to run; mirrored into the Mcp-Param-Region header.", "x-mcp-header": "Region" },
            "priority": { "type": "integer", "description": "Optional priority; mirrored into Mcp-Param-Priority.", "x-mcp-header": "Priority" },
            "verbose": { "type": "boolean", "description": "Optional; mirrored into Mcp-Param-Verbose.", "x-mcp-header": "Verbose" },
            "query": { "type": "string", "description": "What to run; not mirrored into a header." }
          },
          "required": ["region", "query"]
        }
        """).RootElement;

    private static partial void RegisterStatelessTools(CatalogBuilder catalog)
    {
        catalog.AddTool(
            new Tool { Name = "test_param_headers", Description = "Echoes its arguments; region, priority and verbose are sent as Mcp-Param-* headers too (x-mcp-header).", InputSchema = ParamHeadersSchema },
            (invocation, _) => Completed(TextResult(string.Create(CultureInfo.InvariantCulture,
                $"region={invocation.GetString("region")}; priority={Raw(invocation, "priority")}; verbose={Raw(invocation, "verbose")}; query={invocation.GetString("query")}"))));

        catalog.AddTool(
            NoArgumentTool("test_missing_capability", "Needs the sampling capability; without it in the request's _meta the call is refused with -32021."),
            (invocation, _) => invocation.Server.ClientCapabilities?.Sampling is not null
                ? Completed(TextResult("The client declared sampling; the tool ran."))
                : throw new MissingRequiredClientCapabilityException(new ClientCapabilities { Sampling = new() }, "This tool needs the client's 'sampling' capability, which the request's _meta does not declare."));

        catalog.AddTool(
            NoArgumentTool("test_streaming_elicitation", "Answers on its response stream with its result only: no request of its own travels on the stream."),
            (_, _) => Completed(TextResult("Result frame only; no server-to-client request on this stream.")));

        catalog.AddTool(
            NoArgumentTool("test_logging_tool", "Logs one info message to the client: sent only when the request asked for log messages (_meta logLevel, or a session's logging/setLevel)."),
            async (invocation, cancellationToken) =>
            {
                await LogToClientAsync(invocation, "test_logging_tool executed", cancellationToken);
                return TextResult("Log message offered to the client.");
            });
    }

    private static string Raw(ToolInvocation invocation, string name)
        => invocation.Arguments.TryGetProperty(name, out var value) ? value.GetRawText() : "none";
}
