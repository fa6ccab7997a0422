using System.Text.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol.Protocol;
using Portico.Access;
using Portico.Catalog;
using Portico.Integrations;
using Portico.Mcp;
using Portico.Policy;
using Portico.Policy.RateLimiting;

namespace Portico.Tools.Catalog;

/// <summary>
/// Tools about tools: what this caller can use now and why the rest is hidden
/// (<c>list_available_tools</c>), and everything about one tool (<c>get_tool_details</c>).
/// </summary>
internal sealed class CatalogPack(Func<McpCatalog> catalog, ToolRateLimiter rateLimiter, ToolAvailability availability, IntegrationGate integrations) : IMcpPack
{
    private static readonly JsonElement ListSchema = JsonDocument.Parse("""
        {"type":"object","properties":{"tenantId":{"type":"string","description":"Evaluate for this group instead of the session's."}},"additionalProperties":false}
        """).RootElement;

    private static readonly JsonElement DetailsSchema = JsonDocument.Parse("""
        {"type":"object","properties":{"name":{"type":"string","description":"The tool's name, as in tools/list."},"tenantId":{"type":"string"}},"required":["name"],"additionalProperties":false}
        """).RootElement;

    public string Name => "catalog";

    public void Register(CatalogBuilder builder)
    {
        builder.AddTool(new Tool
        {
            Name = "list_available_tools",
            Title = "List available tools",
            Description = "Lists the tools you can call now and, for each one you cannot, why (tier, scope, upstream down, credentials missing, integration not configured) and what would unlock it.",
            InputSchema = ListSchema,
            Annotations = new ToolAnnotations { ReadOnlyHint = true, IdempotentHint = true, OpenWorldHint = false },
        }, ListAsync);
        builder.AddTool(new Tool
        {
            Name = "get_tool_details",
            Title = "Get tool details",
            Description = "Describes one tool: its input schema, examples, required scope and tier, whether it writes or destroys data, and your remaining rate-limit budget.",
            InputSchema = DetailsSchema,
            Annotations = new ToolAnnotations { ReadOnlyHint = true, IdempotentHint = true, OpenWorldHint = false },
        }, DetailsAsync);
    }

    private async ValueTask<CallToolResult> ListAsync(ToolInvocation invocation, CancellationToken cancellationToken)
    {
        var available = new JsonArray();
        var unavailable = new JsonArray();
        foreach (var tool in catalog().Tools)
        {
            if (ToolGate.Check(tool, invocation.Call.Principal, invocation.Tenant.Tier) is { } denied)
            {
                unavailable.Add(new JsonObject { ["name"] = tool.Name, ["reason"] = denied.Code, ["message"] = denied.Message, ["hint"] = denied.Hint });
            }
            else if (await availability.CheckAsync(tool, invocation.Call.Principal, invocation.Tenant, cancellationToken) is { } refused)
            {
                unavailable.Add(Describe(refused));
            }
            else if (await integrations.CheckAsync(tool, invocation.Tenant, invocation.Call.Issuer, cancellationToken) is { } notConfigured)
            {
                // Listed by tools/list (so a model learns it exists), but not callable until the tenant connects the integration.
                unavailable.Add(Describe(notConfigured));
            }
            else
            {
                available.Add(new JsonObject { ["name"] = tool.Name, ["description"] = tool.Tool.Description, ["write"] = tool.Write, ["destructive"] = tool.Destructive });
            }
        }

        foreach (var tool in catalog().Unavailable)
        {
            unavailable.Add(Describe(tool));
        }

        var structured = new JsonObject
        {
            ["groupId"] = invocation.Tenant.Tenant?.TenantId,
            ["tier"] = Plans.Name(invocation.Tenant.Tier),
            ["available"] = available,
            ["unavailable"] = unavailable,
        };
        var text = $"{available.Count} tools available ({string.Join(", ", available.Select(t => (string?)t!["name"]))})."
            + (unavailable.Count == 0 ? "" : $" {unavailable.Count} hidden: " + string.Join("; ", unavailable.Select(t => $"{t!["name"]} ({t["reason"]})")) + ".");
        return Result(text, structured);
    }

    private static JsonObject Describe(UnavailableTool tool)
        => new() { ["name"] = tool.Name, ["reason"] = tool.Code, ["message"] = tool.Message, ["hint"] = tool.Hint, ["details"] = tool.Details?.DeepClone() };

    private async ValueTask<CallToolResult> DetailsAsync(ToolInvocation invocation, CancellationToken cancellationToken)
    {
        var name = invocation.GetString("name") ?? "";
        var tools = catalog();
        if (!tools.TryGetTool(name, out var tool))
        {
            var suggestion = tools.Tools.Select(t => t.Name).OrderBy(n => Distance(n, name)).FirstOrDefault();
            return ToolError.Result("NOT_FOUND", $"No tool named '{name}'.",
                suggestion is null ? "Call list_available_tools for the tools you can use." : $"Did you mean '{suggestion}'? Call list_available_tools for the full list.",
                invocation.Call.RequestId);
        }

        var denied = ToolGate.Check(tool, invocation.Call.Principal, invocation.Tenant.Tier);
        var refused = denied is null
            ? await availability.CheckAsync(tool, invocation.Call.Principal, invocation.Tenant, cancellationToken)
                ?? await integrations.CheckAsync(tool, invocation.Tenant, invocation.Call.Issuer, cancellationToken)
            : null;
        var budget = await rateLimiter.PeekAsync(tool, invocation.Call.Principal, invocation.Tenant.Tier, cancellationToken);
        var structured = new JsonObject
        {
            ["name"] = tool.Name,
            ["description"] = tool.Tool.Description,
            ["inputSchema"] = JsonNode.Parse(tool.Tool.InputSchema.GetRawText()),
            ["examples"] = new JsonArray([.. tool.Examples.Select(e => e.DeepClone())]),
            ["requiredScope"] = tool.RequiredScope,
            ["minimumTier"] = Plans.Name(tool.MinimumTier),
            ["needsTenant"] = tool.NeedsTenant || tool.Integration is not null,
            ["integration"] = tool.Integration,
            ["write"] = tool.Write,
            ["destructive"] = tool.Destructive,
            ["available"] = denied is null && refused is null,
            ["unavailableReason"] = denied is { } d ? new JsonObject { ["code"] = d.Code, ["message"] = d.Message, ["hint"] = d.Hint }
                : refused is { } why ? new JsonObject { ["code"] = why.Code, ["message"] = why.Message, ["hint"] = why.Hint, ["details"] = why.Details?.DeepClone() }
                : null,
            ["rateLimit"] = budget is { } b
                ? new JsonObject { ["limit"] = b.Limit, ["windowSeconds"] = (int)b.Window.TotalSeconds, ["remaining"] = b.Remaining }
                : new JsonObject { ["limited"] = false },
        };
        var text = $"{tool.Name}: {tool.Tool.Description} Scope: {tool.RequiredScope ?? "none"}; tier: {Plans.Name(tool.MinimumTier)}; "
            + (budget is { } r ? $"rate limit {r.Remaining}/{r.Limit} left this minute." : "not rate-limited.");
        return Result(text, structured);
    }

    private static CallToolResult Result(string text, JsonObject structured) => ToolResults.Structured(text, structured);

    /// <summary>Edit distance, for "did you mean".</summary>
    private static int Distance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            previous = current;
        }

        return previous[b.Length];
    }
}
