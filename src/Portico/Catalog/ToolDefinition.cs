using ModelContextProtocol.Protocol;

namespace Portico.Catalog;

/// <summary>A tool in the catalog: its protocol description plus what Portico's policy needs to know.</summary>
internal sealed class ToolDefinition
{
    /// <summary>Name, description, input schema and annotations, as served by <c>tools/list</c>.</summary>
    public required Tool Tool { get; init; }

    public required ToolHandler Handler { get; init; }

    /// <summary>The pack (or upstream) the tool belongs to.</summary>
    public required string Owner { get; init; }

    /// <summary>The OAuth scope a caller needs, e.g. <c>portico/content.write</c>; null when any caller may use it.</summary>
    public string? RequiredScope { get; init; }

    /// <summary>Write tools change state; they are rate-limited per caller and tool.</summary>
    public bool Write { get; init; }

    /// <summary>The lowest plan tier of the tenant that may use the tool.</summary>
    public Access.Tier MinimumTier { get; init; }

    /// <summary>The tool acts on a tenant's data, so a tenant must be resolved before it runs.</summary>
    public bool NeedsTenant { get; init; }

    /// <summary>
    /// The integration (a per-tenant secret, declared with <c>services.AddIntegration</c>) the tool needs, e.g. <c>payments</c>;
    /// null when it needs none. The tool stays listed; a call in a tenant that has not configured it is answered
    /// <c>INTEGRATION_NOT_CONFIGURED</c> with the link to configure it, and the handler reads the secret from
    /// <see cref="ToolInvocation.Integrations"/>. Implies <see cref="NeedsTenant"/>.
    /// </summary>
    public string? Integration { get; init; }

    /// <summary>Example argument documents shown by <c>get_tool_details</c>.</summary>
    public IReadOnlyList<System.Text.Json.Nodes.JsonObject> Examples { get; init; } = [];

    /// <summary>
    /// The compiled input schema, when the tool's source compiled it (upstream tools). Native tools
    /// leave it null and the catalog compiles theirs at start-up.
    /// </summary>
    public Schema.CompiledSchema? InputValidator { get; init; }

    /// <summary>
    /// For an upstream's tool, the tool as the upstream names it (<see cref="Owner"/> is the upstream):
    /// what <c>/vendors/{owner}/mcp</c> serves. Null for native tools.
    /// </summary>
    public Tool? UpstreamTool { get; init; }

    /// <summary>
    /// Whether a call may run as a task (the <c>io.modelcontextprotocol/tasks</c> extension): the server decides, for
    /// a client that declared the extension. Forbidden by default.
    /// </summary>
    public TaskSupport TaskSupport { get; init; }

    /// <summary>
    /// Decides per call instead of <see cref="TaskSupport"/> (a tool that first gathers input with input-required rounds
    /// and becomes a task on the final round). Null: <see cref="TaskSupport"/> holds for every call.
    /// </summary>
    public Func<CallToolRequestParams?, TaskSupport>? TaskSupportFor { get; init; }

    /// <summary>
    /// A call does not run until a tenant owner or admin approves it with its exact arguments (docs/approvals.md). Tenants
    /// can require approval for any other tool too, by their own rules.
    /// </summary>
    public bool RequiresApproval { get; init; }

    public string Name => Tool.Name;

    public bool Destructive => Tool.Annotations?.DestructiveHint == true;
}
