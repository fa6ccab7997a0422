using System.Text.Json;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using Portico.Mcp;

namespace Portico.Catalog;

/// <summary>Everything a tool handler may use: its arguments, the calling session's server and who called.</summary>
internal sealed class ToolInvocation(RequestContext<CallToolRequestParams> request, McpCallContext call, Access.TenantResolution tenant, JsonElement arguments,
    IToolIntegrations? integrations = null)
{
    public RequestContext<CallToolRequestParams> Request { get; } = request;

    public McpCallContext Call { get; } = call;

    /// <summary>The tenant the call acts on (resolved by the pipeline; required when the tool needs one).</summary>
    public Access.TenantResolution Tenant { get; } = tenant;

    /// <summary>The server of the calling session: for progress and logging (ask the client for input with <see cref="InputRequired"/>).</summary>
    public McpServer Server => Request.Server;

    /// <summary>The arguments as one JSON object (never null: <c>{}</c> when the client sent none).</summary>
    public JsonElement Arguments { get; } = arguments;

    /// <summary>The client's answers to what this tool asked last round, and its own state (see <see cref="InputRequired"/>).</summary>
    public ClientInput Input => Call.Input;

    /// <summary>The secret of the integration the tool declared, for the resolved tenant (see <see cref="ToolDefinition.Integration"/>).</summary>
    public IToolIntegrations Integrations { get; } = integrations ?? new NoToolIntegrations(request.Params?.Name ?? "");

    public ProgressToken? ProgressToken => Request.Params?.ProgressToken;

    public string? GetString(string name)
        => Arguments.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
