using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using Portico.Access;
using Portico.Catalog;
using Portico.Hosting;
using Portico.Integrations;
using Portico.Mcp;
using Portico.Policy.Approvals;
using Portico.Policy.Audit;
using Portico.Policy.RateLimiting;
using Portico.Schema;
using Portico.Storage;
using Portico.Telemetry;

namespace Portico.Policy;

/// <summary>
/// Every <c>tools/call</c> goes through here, in the order of ARCHITECTURE.md: resolve the tool,
/// scope, tenant, tier, availability, integration, input schema, destructive confirmation, rate limit, invoke (timeout,
/// cancellation), audit. Every refusal and failure comes back in the one error envelope; a tool never throws
/// to the client.
/// </summary>
internal sealed partial class ToolCallPipeline(
    McpCatalog catalog,
    TenantResolver tenants,
    ToolRateLimiter rateLimiter,
    AuditTrail audit,
    ToolAvailability availability,
    IntegrationGate integrations,
    InputRounds rounds,
    ApprovalGate approvals,
    IOptionsMonitor<PolicyOptions> policy,
    IOptionsMonitor<AuditOptions> auditOptions,
    TimeProvider time,
    ILogger<ToolCallPipeline> logger)
{
    /// <summary>The audit outcome of a round that ended by asking the client for input (not an error).</summary>
    public const string InputRequiredOutcome = "input_required";

    public async ValueTask<CallToolResult> InvokeAsync(RequestContext<CallToolRequestParams> request, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var call = McpCallContext.From(request.JsonRpcRequest);
        // Built once; validation, the tool and the audit all read this one document.
        var document = ToolArguments.ToDocument(request.Params?.Arguments);
        var requested = request.Params?.Name;
        ToolDefinition? tool = null;
        var found = !string.IsNullOrEmpty(requested) && CallTools.TryFind(catalog, call, requested, out tool);
        // Audited and explained under the catalog name, whichever endpoint the call came through.
        if (found && McpOperation.Current is { } operation)
        {
            operation.ToolName = tool!.Name;
        }

        var name = found ? tool!.Name
            : string.IsNullOrEmpty(requested) ? requested
            : call.Toolset is { } set ? set.CatalogNameOf(requested)
            : call.Vendor is { } v ? VendorToolNames.Build(v, requested)
            : requested;
        if (!found && !string.IsNullOrEmpty(name) && catalog.Unavailable.FirstOrDefault(u => u.Matches(name)) is { } unavailable)
        {
            var answer = await AnswerAsync(unavailable, call, cancellationToken);
            await AuditAsync(call, name, null, null, unavailable.Code, started, request.Params?.Arguments, document, cancellationToken);
            return answer;
        }

        if (!found)
        {
            McpSpans.RecordProtocolError(Activity.Current, (int)McpErrorCode.InvalidParams, "UNKNOWN_TOOL");
            MarkOperationError(((int)McpErrorCode.InvalidParams).ToString(System.Globalization.CultureInfo.InvariantCulture));
            await AuditAsync(call, name ?? requested ?? "", null, null, "UNKNOWN_TOOL", started, request.Params?.Arguments, document, cancellationToken);
            throw new McpProtocolException(
                string.IsNullOrEmpty(requested) ? "tools/call needs a tool 'name'."
                    : call.Toolset is { } unknownSet ? $"Unknown tool: '{LogValue.Safe(requested)}' in toolset '{unknownSet.Name}'. Call tools/list for the tools it offers you."
                    : call.Vendor is { } unknownIn ? $"Unknown tool: '{LogValue.Safe(requested)}' on upstream '{unknownIn}'. Call tools/list for the tools it offers you."
                    : $"Unknown tool: '{LogValue.Safe(requested)}'. Call tools/list for the tools available to you.",
                McpErrorCode.InvalidParams);
        }

        var resolved = new StrongBox<TenantResolution?>();
        TenantResolution? resolution;
        CallToolResult result;
        using var cancelled = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, call.ClientCancelled);
        try
        {
            (result, resolution) = await RunAsync(tool!, request, call, document, resolved, cancelled.Token);
        }
        catch (OperationCanceledException) when (cancelled.IsCancellationRequested)
        {
            // Recorded, not awaited: a cancelled call gets no result to hold back.
            _ = AuditAsync(call, tool!.Name, tool, resolved.Value, "CANCELLED", started, request.Params?.Arguments, document, CancellationToken.None);
            throw;
        }
        catch (Exception ex) when (ex is InputRequiredException or McpProtocolException)
        {
            // Not a tool result: the round asked the client for input, or the client's retry is refused (JSON-RPC error).
            var outcome = ex switch
            {
                InputRequiredException => InputRequiredOutcome,
                InputRefusedException refused => refused.Code,
                MissingRequiredClientCapabilityException => "CAPABILITY_MISSING",
                // A task's protocol error is its final outcome (the task fails with it), recorded with its code.
                McpProtocolException protocol when call.TaskId is not null => $"PROTOCOL_ERROR_{(int)protocol.ErrorCode}",
                _ => "PROTOCOL_ERROR",
            };
            if (ex is McpProtocolException error)
            {
                McpSpans.RecordProtocolError(Activity.Current, (int)error.ErrorCode, outcome);
                MarkOperationError(((int)error.ErrorCode).ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            await AuditAsync(call, tool!.Name, tool, resolved.Value, outcome, started, request.Params?.Arguments, document, cancellationToken);
            throw;
        }
        if (ErrorCodeOf(result) is { } failed)
        {
            McpSpans.RecordToolError(Activity.Current, failed);
            MarkOperationError(McpSpans.ToolError);
        }

        McpSpans.Stage("audit");
        // Durable before acknowledged (Portico:Audit:Durability): the result waits for its record's batch to commit.
        await AuditAsync(call, tool!.Name, tool, resolution, ErrorCodeOf(result), started, request.Params?.Arguments, document, cancellationToken);
        return result;
    }

    /// <summary>Records a call refused before it reached the pipeline (the HTTP step-up challenge), so the audit trail still has every <c>tools/call</c>.</summary>
    /// <remarks>Not awaited: the refusal is an HTTP error, not a tool result that could be acknowledged before its record.</remarks>
    public void AuditRefused(McpCallContext call, ToolDefinition tool, string errorCode)
        => _ = AuditAsync(call, tool.Name, null, null, errorCode, time.GetTimestamp(), null, ToolArguments.ToDocument(null), CancellationToken.None);

    /// <summary>The tools this caller may use now, by the same gates <see cref="InvokeAsync"/> applies.</summary>
    public async ValueTask<ListToolsResult> ListAsync(RequestContext<ListToolsRequestParams> request, CancellationToken cancellationToken)
    {
        var call = McpCallContext.From(request.JsonRpcRequest);
        var resolution = await tenants.ResolveAsync(call.Principal, null, call.UrlTenantId, call.Session?.ActiveTenantId, cancellationToken);
        var tools = new List<Tool>(catalog.Tools.Count);
        foreach (var (tool, listed) in CallTools.List(catalog, call))
        {
            if (ToolGate.Check(tool, call.Principal, resolution.Tier) is null && await availability.CheckAsync(tool, call.Principal, resolution, cancellationToken) is null)
            {
                tools.Add(listed);
            }
        }

        return new ListToolsResult { Tools = tools };
    }

    private async ValueTask<(CallToolResult, TenantResolution?)> RunAsync(ToolDefinition tool, RequestContext<CallToolRequestParams> request, McpCallContext call,
        JsonElement document, StrongBox<TenantResolution?> resolved, CancellationToken cancellationToken)
    {
        McpSpans.Stage("scope");
        if (ToolGate.CheckScope(tool, call.Principal) is { } scopeDenied)
        {
            return (ToolError.Result(scopeDenied.Code, scopeDenied.Message, scopeDenied.Hint, call.RequestId), null);
        }

        var arguments = request.Params?.Arguments;
        var argumentTenant = arguments is not null && arguments.TryGetValue("tenantId", out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
        McpSpans.Stage("tenant");
        var resolution = resolved.Value = await tenants.ResolveAsync(call.Principal, argumentTenant, call.UrlTenantId, call.Session?.ActiveTenantId, cancellationToken);
        if (!resolution.Succeeded && (tool.NeedsTenant || tool.Integration is not null || argumentTenant is not null || resolution.ErrorCode == TenantResolution.GroupNotAvailable))
        {
            return (ToolError.Result(resolution.ErrorCode!, resolution.ErrorMessage!, resolution.Hint, call.RequestId, AvailableGroups(resolution)), resolution);
        }

        McpSpans.Stage("tier");
        if (ToolGate.CheckTier(tool, resolution.Tier) is { } tierDenied)
        {
            return (ToolError.Result(tierDenied.Code, tierDenied.Message, tierDenied.Hint, call.RequestId), resolution);
        }

        McpSpans.Stage("availability");
        if (await availability.CheckAsync(tool, call.Principal, resolution, cancellationToken) is { } unavailable)
        {
            return (await AnswerAsync(unavailable, call, cancellationToken), resolution);
        }

        McpSpans.Stage("integration");
        if (await integrations.CheckAsync(tool, resolution, call.Issuer, cancellationToken) is { } notConfigured)
        {
            return (await AnswerAsync(notConfigured, call, cancellationToken), resolution);
        }

        McpSpans.Stage("schema");
        if (Validate(tool, document, call) is { } invalid)
        {
            return (invalid, resolution);
        }

        McpSpans.Stage("confirmation");
        if (tool.Destructive && !(arguments is not null && arguments.TryGetValue("confirm", out var confirm) && confirm.ValueKind == JsonValueKind.True))
        {
            return (ToolError.Result("CONFIRMATION_REQUIRED", $"Refusing to delete '{Target(tool, arguments)}' without confirm=true.",
                "This cannot be undone. Check the target, then call again with \"confirm\": true.", call.RequestId), resolution);
        }

        McpSpans.Stage("approval");
        if (await approvals.CheckAsync(tool, call, resolution, document, cancellationToken) is { } held)
        {
            return (held, resolution);
        }

        McpSpans.Stage("rate_limit");
        if (await rateLimiter.TryAcquireAsync(tool, call.Principal, resolution.Tier, cancellationToken) is { Allowed: false } limited)
        {
            PorticoMetrics.RecordToolRateLimited(tool.Name);
            return (ToolError.Result("RATE_LIMITED",
                $"Rate limit reached for '{tool.Name}': {limited.Limit} calls per {(int)limited.Window.TotalSeconds} s.",
                $"Retry after {limited.RetryAfterSeconds} s. Other tools are not affected.", call.RequestId,
                new JsonObject { ["retryAfterSeconds"] = limited.RetryAfterSeconds, ["limit"] = limited.Limit, ["windowSeconds"] = (int)limited.Window.TotalSeconds }), resolution);
        }

        // Every round passes the gates above; then the retry's answers and sealed state are opened for the tool.
        call.Input = rounds.Open(call, RequestMethods.ToolsCall, tool.Name, document, request.Params, request.Server.ClientCapabilities);
        McpSpans.Stage("invoke");
        var result = await InvokeWithTimeoutAsync(tool, new ToolInvocation(request, call, resolution, document, integrations.For(tool, resolution, call.Issuer)), cancellationToken);
        if (resolution.Source == "argument" && call.UrlTenantId is { } urlTenant && urlTenant != resolution.Tenant!.TenantId)
        {
            result.Content.Add(new TextContentBlock
            {
                Text = $"Note: used tenant '{resolution.Tenant.TenantId}' from the tenantId argument; the URL names '{urlTenant}'.",
            });
        }

        return (result, resolution);
    }

    private async ValueTask<CallToolResult> InvokeWithTimeoutAsync(ToolDefinition tool, ToolInvocation invocation, CancellationToken cancellationToken)
    {
        var settings = policy.CurrentValue;
        var timeout = settings.ToolTimeouts.TryGetValue(tool.Name, out var specific) ? specific : settings.ToolTimeout;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            return await tool.Handler(invocation, deadline.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && deadline.IsCancellationRequested)
        {
            return ToolError.Result("TIMEOUT", $"Tool '{tool.Name}' did not finish within {timeout.TotalSeconds:0.#} s.",
                "Retry with a smaller request, or ask an operator to raise Portico:Policy:ToolTimeouts for this tool.", invocation.Call.RequestId);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (McpProtocolException)
        {
            throw;
        }
        catch (IntegrationNotConfiguredException cleared)
        {
            // Cleared between the check and the handler's read: the same answer the check gives.
            return await AnswerAsync(cleared.Answer, invocation.Call, cancellationToken);
        }
        catch (InputRequired asked)
        {
            throw rounds.Seal(invocation.Call, RequestMethods.ToolsCall, tool.Name, invocation.Arguments, asked, invocation.Server.ClientCapabilities);
        }
        catch (Exception ex)
        {
            LogToolFailed(logger, ex, tool.Name, invocation.Call.RequestId);
            return ToolError.Result("INTERNAL_ERROR", $"Tool '{tool.Name}' failed unexpectedly.",
                "Retry the call; if it keeps failing, report the request id to the operator.", invocation.Call.RequestId);
        }
    }

    /// <summary>Checks the arguments against the tool's schema; every violation is reported at once.</summary>
    private CallToolResult? Validate(ToolDefinition tool, JsonElement document, McpCallContext call)
    {
        CompiledSchema schema;
        try
        {
            schema = catalog.InputSchemaOf(tool);
        }
        catch (UnsupportedSchemaException ex)
        {
            return ToolError.Result("SCHEMA_UNSUPPORTED", $"The input schema of '{tool.Name}' cannot be checked: {ex.Message}",
                "The tool's owner must simplify its schema; until then Portico refuses to call it unchecked.", call.RequestId);
        }

        var violations = schema.Validate(document);
        if (violations.Count == 0)
        {
            return null;
        }

        var errors = new JsonArray();
        foreach (var violation in violations)
        {
            errors.Add(new JsonObject
            {
                ["path"] = violation.Path,
                ["expected"] = violation.Expected,
                ["received"] = violation.Received,
                ["message"] = violation.Message,
            });
        }

        var first = violations[0];
        var summary = violations.Count == 1 ? first.Message : $"{violations.Count} problems: " + string.Join(" ", violations.Take(5).Select(v => v.Message));
        return ToolError.Result("VALIDATION_FAILED", $"Invalid arguments for '{tool.Name}': {summary}",
            "Fix the listed fields and call again; get_tool_details shows the input schema.", call.RequestId,
            new JsonObject { ["path"] = first.Path, ["expected"] = first.Expected, ["received"] = first.Received, ["errors"] = errors });
    }

    /// <summary>
    /// Records the call and, in durable mode, waits until the record has committed. A record that cannot be
    /// built is logged, never turned into a failed call.
    /// </summary>
    private Task AuditAsync(McpCallContext call, string toolName, ToolDefinition? tool, TenantResolution? resolution, string? errorCode, long started,
        IDictionary<string, JsonElement>? arguments, JsonElement document, CancellationToken cancellationToken)
    {
        if (errorCode is not null and not InputRequiredOutcome)
        {
            // Tagged with the tool only when the catalog has it: an unknown tool's name is the client's text.
            PorticoMetrics.RecordToolError(catalog.TryGetTool(toolName, out var known) ? known.Name : null, errorCode);
        }

        AuditRecord record;
        try
        {
            record = Record(call, toolName, tool, resolution, errorCode, started, arguments, document);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or ArgumentException)
        {
            LogAuditFailed(logger, ex, toolName, call.RequestId);
            return Task.CompletedTask;
        }

        return audit.RecordAsync(record, cancellationToken);
    }

    private AuditRecord Record(McpCallContext call, string toolName, ToolDefinition? tool, TenantResolution? resolution, string? errorCode, long started,
        IDictionary<string, JsonElement>? arguments, JsonElement document)
    {
        var serialized = document.GetRawText();
        return new AuditRecord
        {
            At = time.GetUtcNow(),
            RequestId = call.RequestId,
            SessionId = call.SessionId,
            UserId = call.Principal.IsAnonymous ? null : call.Principal.Id,
            CredentialId = call.Principal.CredentialId,
            TenantId = resolution?.Tenant?.TenantId,
            Tool = toolName,
            Outcome = errorCode switch { null => "ok", InputRequiredOutcome => InputRequiredOutcome, _ => "error" },
            ErrorCode = errorCode == InputRequiredOutcome ? null : errorCode,
            DurationMs = (long)time.GetElapsedTime(started).TotalMilliseconds,
            ArgumentBytes = System.Text.Encoding.UTF8.GetByteCount(serialized),
            Arguments = auditOptions.CurrentValue.RecordArguments && tool is not null ? AuditRedactor.Redact(arguments, tool.Tool.InputSchema) : null,
            TaskId = call.TaskId,
        };
    }

    private static void MarkOperationError(string errorType)
    {
        if (McpOperation.Current is { } operation)
        {
            operation.ErrorType = errorType;
        }
    }

    private static string? ErrorCodeOf(CallToolResult result)
        => result.IsError != true ? null
            : result.StructuredContent is { ValueKind: JsonValueKind.Object } structured && structured.TryGetProperty("error", out var error)
                && error.ValueKind == JsonValueKind.Object && error.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.String
                ? code.GetString()
                : "TOOL_ERROR";

    private static string Target(ToolDefinition tool, IDictionary<string, JsonElement>? arguments)
    {
        foreach (var key in new[] { "id", "name", "target", "path", "uri" })
        {
            if (arguments is not null && arguments.TryGetValue(key, out var value) && value.ValueKind == JsonValueKind.String)
            {
                return value.GetString()!;
            }
        }

        return tool.Name;
    }

    /// <summary>The envelope a call of an unavailable tool gets: the tool's own answer when it has one (e.g. a link made for this caller).</summary>
    private static async ValueTask<CallToolResult> AnswerAsync(UnavailableTool unavailable, McpCallContext call, CancellationToken cancellationToken)
        => unavailable.Answer is { } answer
            ? await answer(call, cancellationToken)
            : ToolError.Result(unavailable.Code, unavailable.Message, unavailable.Hint, call.RequestId, unavailable.Details?.DeepClone());

    private static JsonObject AvailableGroups(TenantResolution resolution)
        => new() { ["availableGroupIds"] = new JsonArray([.. resolution.Available.Select(m => JsonValue.Create(m.TenantId))]) };

    [LoggerMessage(EventId = 301, Level = LogLevel.Warning, Message = "Could not audit the call of {Tool} (request {RequestId})")]
    private static partial void LogAuditFailed(ILogger logger, Exception exception, LogValue tool, string requestId);

    [LoggerMessage(EventId = 300, Level = LogLevel.Error, Message = "Tool {Tool} failed (request {RequestId})")]
    private static partial void LogToolFailed(ILogger logger, Exception exception, string tool, string requestId);
}
