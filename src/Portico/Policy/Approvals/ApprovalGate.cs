using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Protocol;
using Portico.Access;
using Portico.Catalog;

namespace Portico.Policy.Approvals;

/// <summary>
/// The pipeline's approval step, after the arguments are validated: a call of a tool that needs approval (see
/// <see cref="ApprovalRules"/>) does not run; its exact validated arguments are stored in a pending approval and the
/// answer is <c>APPROVAL_PENDING</c> with the approval's id and portal link. A call running as a task is then held by the
/// task runner until the decision; a client without tasks calls again with the same arguments once it is approved. The
/// approved call passes this step once: the approval is taken by a conditional update, after the row's seal and the
/// caller's credential are checked.
/// </summary>
internal sealed partial class ApprovalGate(ApprovalRules rules, ApprovalStore store, ApprovalSeal seal, TenantResolver tenants,
    IOptionsMonitor<ApprovalOptions> options, TimeProvider time, ILogger<ApprovalGate> logger)
{
    public const string Pending = "APPROVAL_PENDING";
    public const string Denied = "APPROVAL_DENIED";
    public const string Expired = "APPROVAL_EXPIRED";
    public const string Tampered = "APPROVAL_TAMPERED";
    public const string CredentialInvalid = "APPROVAL_CREDENTIAL_INVALID";
    public const string AlreadyUsed = "APPROVAL_ALREADY_USED";

    /// <summary>The portal page where owners and admins decide.</summary>
    public const string PortalPath = "/portal/approvals";

    /// <summary>Whether the call would need approval, decided before the pipeline runs (the tasks extension makes such a call a task).</summary>
    public async ValueTask<bool> RequiredForAsync(ToolDefinition tool, McpCallContext call, CallToolRequestParams? request, CancellationToken cancellationToken)
    {
        if (tool.RequiresApproval)
        {
            return true;
        }

        var argumentTenant = request?.Arguments is { } arguments && arguments.TryGetValue("tenantId", out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
        var resolution = await tenants.ResolveAsync(call.Principal, argumentTenant, call.UrlTenantId, call.Session?.ActiveTenantId, cancellationToken);
        return await rules.RequiredAsync(tool, resolution.Tenant?.TenantId, cancellationToken);
    }

    /// <summary>Null when the call may run now; otherwise the answer that stops it.</summary>
    public async ValueTask<CallToolResult?> CheckAsync(ToolDefinition tool, McpCallContext call, TenantResolution resolution, JsonElement document,
        CancellationToken cancellationToken)
    {
        var tenantId = resolution.Tenant?.TenantId;
        if (!await rules.RequiredAsync(tool, tenantId, cancellationToken))
        {
            return null;
        }

        var arguments = document.GetRawText();
        var hash = ApprovalSeal.Hash(arguments);
        var existing = call.TaskId is { } taskId
            ? await store.FindForTaskAsync(taskId, cancellationToken)
            : await store.FindOpenCallAsync(call.Principal.Id, tenantId, tool.Name, hash, cancellationToken);
        switch (existing?.Status)
        {
            case ApprovalStatuses.Approved when existing.ConsumedAt is null:
                return await TakeAsync(existing, tool, call, tenantId, hash, cancellationToken);
            case ApprovalStatuses.Approved when call.TaskId is not null && existing.ArgumentsHash == hash && seal.Holds(existing):
                // A later input round of the task the approval was taken for: the same run, not another one.
                return null;
            case ApprovalStatuses.Denied when existing.ConsumedAt is null && call.TaskId is null:
                // Reported once; the next identical call asks anew.
                await store.ConsumeAsync(existing.Id, cancellationToken);
                return DeniedResult(existing, call.RequestId);
            case ApprovalStatuses.Pending when existing.ExpiresAt > time.GetUtcNow():
                return PendingResult(existing, call);
        }

        var now = time.GetUtcNow();
        var approval = new ApprovalRecord
        {
            Id = ApprovalIds.New(),
            TenantId = tenantId,
            Tool = tool.Name,
            OwnerId = call.Principal.Id,
            OwnerEmail = call.Principal.Email,
            CredentialId = call.Principal.CredentialId,
            TaskId = call.TaskId,
            RequestId = call.RequestId,
            Arguments = arguments,
            ArgumentsHash = hash,
            Seal = "",
            Status = ApprovalStatuses.Pending,
            CreatedAt = now,
            ExpiresAt = now + options.CurrentValue.Expiry,
        };
        approval.Seal = seal.Make(approval);
        await store.CreateAsync(approval, cancellationToken);
        LogRequested(logger, approval.Id, tool.Name, tenantId, call.Principal.Id);
        return PendingResult(approval, call);
    }

    /// <summary>The id of the approval a result says the call waits for, if it says so.</summary>
    public static string? PendingIn(CallToolResult result)
        => result.IsError == true && result.StructuredContent is { ValueKind: JsonValueKind.Object } structured
            && structured.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object
            && error.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.String && code.GetString() == Pending
            && error.TryGetProperty("details", out var details) && details.ValueKind == JsonValueKind.Object
            && details.TryGetProperty("approvalId", out var id) && id.ValueKind == JsonValueKind.String
                ? id.GetString()
                : null;

    public static CallToolResult DeniedResult(ApprovalRecord approval, string requestId)
        => ToolError.Result(Denied, $"The call of '{approval.Tool}' was denied ({approval.Id}, by {approval.DecidedBy ?? "an owner or admin"}); it did not run.",
            "Ask the tenant's owners why; calling again with the same arguments asks for a new approval.", requestId, new JsonObject { ["approvalId"] = approval.Id });

    public static CallToolResult ExpiredResult(ApprovalRecord approval, string requestId)
        => ToolError.Result(Expired, $"Nobody decided on the call of '{approval.Tool}' ({approval.Id}) before it expired at {Iso(approval.ExpiresAt)}; it did not run.",
            "Call again to ask anew, and ask the tenant's owners or admins to decide in the portal.", requestId, new JsonObject { ["approvalId"] = approval.Id });

    private async ValueTask<CallToolResult?> TakeAsync(ApprovalRecord approval, ToolDefinition tool, McpCallContext call, string? tenantId, string hash, CancellationToken cancellationToken)
    {
        if (!seal.Holds(approval) || approval.ArgumentsHash != hash || approval.Tool != tool.Name || approval.OwnerId != call.Principal.Id || approval.TenantId != tenantId)
        {
            LogTampered(logger, approval.Id, tool.Name);
            return ToolError.Result(Tampered, $"Approval {approval.Id} does not match the call it was given for: its stored arguments or request were changed after it was made. The call did not run.",
                "Report the approval id to the operator; call again to ask for a new approval.", call.RequestId, new JsonObject { ["approvalId"] = approval.Id });
        }

        if (!await store.CredentialValidAsync(call.Principal, cancellationToken))
        {
            return ToolError.Result(CredentialInvalid, $"The credential that made the call of '{tool.Name}' was revoked or expired after it was approved ({approval.Id}); the call did not run.",
                "Call again with a valid credential to ask for a new approval.", call.RequestId, new JsonObject { ["approvalId"] = approval.Id });
        }

        if (!await store.ConsumeAsync(approval.Id, cancellationToken))
        {
            return ToolError.Result(AlreadyUsed, $"Approval {approval.Id} was used already: an approved call runs once.",
                "Call again to ask for a new approval.", call.RequestId, new JsonObject { ["approvalId"] = approval.Id });
        }

        LogApprovedRun(logger, approval.Id, tool.Name);
        return null;
    }

    private static CallToolResult PendingResult(ApprovalRecord approval, McpCallContext call)
    {
        var link = (call.Issuer?.TrimEnd('/') ?? "") + PortalPath + "#approval-" + approval.Id;
        var who = approval.TenantId is null ? "a Portico administrator" : $"an owner or admin of tenant '{approval.TenantId}'";
        var hint = call.TaskId is null
            ? $"Ask {who} to approve it at {link} (or: portico approvals approve {approval.Id}), then call again with exactly the same arguments: the approved call runs once. It expires at {Iso(approval.ExpiresAt)}."
            : $"The task waits for {who} to decide at {link} (or: portico approvals approve {approval.Id}); poll it with tasks/get. It expires at {Iso(approval.ExpiresAt)}.";
        return ToolError.Result(Pending, $"Tool '{approval.Tool}' needs approval before it runs; request {approval.Id} is waiting for a decision.", hint, call.RequestId,
            new JsonObject { ["approvalId"] = approval.Id, ["link"] = link, ["expiresAt"] = Iso(approval.ExpiresAt) });
    }

    private static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    [LoggerMessage(EventId = 330, Level = LogLevel.Information, Message = "Approval {ApprovalId} requested: {Tool} in tenant {TenantId} by {UserId}")]
    private static partial void LogRequested(ILogger logger, string approvalId, string tool, string? tenantId, string userId);

    [LoggerMessage(EventId = 331, Level = LogLevel.Information, Message = "Approval {ApprovalId} taken: {Tool} runs with the approved arguments")]
    private static partial void LogApprovedRun(ILogger logger, string approvalId, string tool);

    [LoggerMessage(EventId = 332, Level = LogLevel.Warning, Message = "Approval {ApprovalId} for {Tool} does not match its seal; the call was refused")]
    private static partial void LogTampered(ILogger logger, string approvalId, string tool);
}
