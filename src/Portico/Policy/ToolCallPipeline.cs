using System.Text.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using Portico.Access;
using Portico.Mcp;

namespace Portico.Policy;

/// <summary>
/// Every <c>tools/call</c> goes through here, in order: resolve the tool, scope, tenant, tier,
/// invoke. Every refusal and failure comes back in the one error envelope; a tool never throws
/// to the client.
/// </summary>
internal sealed partial class ToolCallPipeline(McpCatalog catalog, TenantResolver tenants, ILogger<ToolCallPipeline> logger)
{
    public async ValueTask<CallToolResult> InvokeAsync(RequestContext<CallToolRequestParams> request, CancellationToken cancellationToken)
    {
        var name = request.Params?.Name;
        if (string.IsNullOrEmpty(name))
        {
            throw new McpProtocolException("tools/call needs a tool 'name'.", McpErrorCode.InvalidParams);
        }

        if (!catalog.TryGetTool(name, out var tool))
        {
            throw new McpProtocolException($"Unknown tool: '{name}'. Call tools/list for the tools available to you.", McpErrorCode.InvalidParams);
        }

        var call = McpCallContext.From(request.JsonRpcRequest);
        if (ToolGate.CheckScope(tool, call.Principal) is { } scopeDenied)
        {
            return ToolError.Result(scopeDenied.Code, scopeDenied.Message, scopeDenied.Hint, call.RequestId);
        }

        var argumentTenant = request.Params?.Arguments is { } args && args.TryGetValue("tenantId", out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
        var resolution = await tenants.ResolveAsync(call.Principal, argumentTenant, call.UrlTenantId, call.Session?.ActiveTenantId, cancellationToken);
        if (!resolution.Succeeded && (tool.NeedsTenant || argumentTenant is not null || resolution.ErrorCode == TenantResolution.GroupNotAvailable))
        {
            return ToolError.Result(resolution.ErrorCode!, resolution.ErrorMessage!, resolution.Hint, call.RequestId, AvailableGroups(resolution));
        }

        if (ToolGate.CheckTier(tool, resolution.Tier) is { } tierDenied)
        {
            return ToolError.Result(tierDenied.Code, tierDenied.Message, tierDenied.Hint, call.RequestId);
        }

        CallToolResult result;
        try
        {
            result = await tool.Handler(new ToolInvocation(request, call, resolution), cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (McpProtocolException)
        {
            throw;
        }
        catch (Exception ex)
        {
            LogToolFailed(logger, ex, tool.Name, call.RequestId);
            return ToolError.Result("INTERNAL_ERROR", $"Tool '{tool.Name}' failed unexpectedly.", "Retry the call; if it keeps failing, report the request id to the operator.", call.RequestId);
        }

        if (resolution.Source == "argument" && call.UrlTenantId is { } urlTenant && urlTenant != resolution.Tenant!.TenantId)
        {
            result.Content.Add(new TextContentBlock
            {
                Text = $"Note: used tenant '{resolution.Tenant.TenantId}' from the tenantId argument; the URL names '{urlTenant}'.",
            });
        }

        return result;
    }

    /// <summary>The tools this caller may use now, by the same gates <see cref="InvokeAsync"/> applies.</summary>
    public async ValueTask<ListToolsResult> ListAsync(RequestContext<ListToolsRequestParams> request, CancellationToken cancellationToken)
    {
        var call = McpCallContext.From(request.JsonRpcRequest);
        var resolution = await tenants.ResolveAsync(call.Principal, null, call.UrlTenantId, call.Session?.ActiveTenantId, cancellationToken);
        var tools = new List<Tool>(catalog.Tools.Count);
        foreach (var tool in catalog.Tools)
        {
            if (ToolGate.Check(tool, call.Principal, resolution.Tier) is null)
            {
                tools.Add(tool.Tool);
            }
        }

        return new ListToolsResult { Tools = tools };
    }

    private static JsonObject AvailableGroups(TenantResolution resolution)
        => new() { ["availableGroupIds"] = new JsonArray([.. resolution.Available.Select(m => JsonValue.Create(m.TenantId))]) };

    [LoggerMessage(EventId = 300, Level = LogLevel.Error, Message = "Tool {Tool} failed (request {RequestId})")]
    private static partial void LogToolFailed(ILogger logger, Exception exception, string tool, string requestId);
}
