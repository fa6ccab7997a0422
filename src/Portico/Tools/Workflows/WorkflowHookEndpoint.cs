using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portico.Access;
using Portico.Hosting;
using Portico.Policy;
using Portico.Schema;
using Portico.Storage;

namespace Portico.Tools.Workflows;

/// <summary>
/// <c>POST /hooks/{id}</c>: a webhook trigger's deliveries. Its policy requires the delivery's signature
/// (<see cref="WorkflowHookAuthentication"/>); a verified delivery starts a run with its JSON body as input and is
/// answered 202 with the run id. The same delivery id again answers with the run the first one started, from any
/// instance: the (hook, delivery id) row is unique in the store and written in the run's transaction.
/// </summary>
internal static class WorkflowHookEndpoint
{
    private const string RetryAfterSeconds = "30";

    public static IEndpointRouteBuilder MapPorticoWorkflowHooks(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost(WorkflowTrigger.HookPath($"{{{WorkflowHookAuthentication.RouteValue}}}"), HandleAsync)
            .RequireAuthorization(WorkflowHookAuthentication.PolicyName)
            .DisableAntiforgery();
        return endpoints;
    }

    private static async Task<IResult> HandleAsync(HttpContext http, PorticoDbContext db, WorkflowEngine engine, IOptionsMonitor<WorkflowOptions> options, TimeProvider time)
    {
        var delivery = http.Features.Get<WorkflowHookDelivery>()
            ?? throw new InvalidOperationException("A webhook delivery reached its endpoint without the signature scheme's verification.");
        var hook = delivery.Hook;
        var cancellationToken = http.RequestAborted;
        if (await RunOfAsync(db, hook.Id, delivery.DeliveryId, cancellationToken) is { } earlier)
        {
            return Accepted(delivery, earlier, duplicate: true);
        }

        var tier = await WorkflowRunLimit.TierAsync(db, hook.TenantId, cancellationToken);
        if (tier < Tier.Pro)
        {
            return Error(http, StatusCodes.Status403Forbidden, ToolGate.TierRequired,
                $"Webhook triggers require tier '{Plans.Name(Tier.Pro)}' (current: '{Plans.Name(tier)}').",
                "The group's owner can upgrade its plan; until then start runs with execute_workflow.");
        }

        JsonObject input;
        try
        {
            var parsed = delivery.Body.Length == 0 ? new JsonObject() : JsonNode.Parse(delivery.Body);
            if (parsed is not JsonObject json)
            {
                return Error(http, StatusCodes.Status400BadRequest, "invalid_json", "The body must be a JSON object: it becomes the run's input.", "Send a JSON object, e.g. {\"order\": 42}.");
            }

            input = json;
        }
        catch (JsonException ex)
        {
            return Error(http, StatusCodes.Status400BadRequest, "invalid_json", $"The body is not valid JSON: {ex.Message}", "Send a JSON object, e.g. {\"order\": 42}, with Content-Type: application/json.");
        }

        var definition = WorkflowDefinition.Parse(delivery.Workflow.Definition);
        if (definition.InputSchema is { } inputSchema
            && JsonSchemaCompiler.Compile(WorkflowDefinition.ToElement(inputSchema)).Validate(WorkflowDefinition.ToElement(input)) is { Count: > 0 } violations)
        {
            return Error(http, StatusCodes.Status400BadRequest, "validation_failed",
                $"The body does not meet the workflow's input_schema: {string.Join(" ", violations.Take(5).Select(v => $"{v.Path}: {v.Message}"))}",
                "get_workflow shows the input_schema; send a body that meets it.");
        }

        // Over the plan's concurrent runs: 429, so a sender retries later (the delivery id is not used up).
        if (await WorkflowRunLimit.RefusalAsync(db, hook.TenantId, tier, options.CurrentValue.ConcurrentRunsBelowProPlus, cancellationToken) is { } refusal)
        {
            http.Response.Headers.RetryAfter = RetryAfterSeconds;
            return Error(http, StatusCodes.Status429TooManyRequests, ToolGate.TierRequired, refusal,
                $"Retry the same delivery later (after {RetryAfterSeconds} s or more); " + WorkflowRunLimit.Hint);
        }

        var now = DateTimeOffset.FromUnixTimeMilliseconds(time.GetUtcNow().ToUnixTimeMilliseconds());
        var workflow = delivery.Workflow;
        var run = new WorkflowRunEntity
        {
            TenantId = workflow.TenantId,
            Id = Ids.New(),
            WorkflowId = workflow.Id,
            WorkflowVersion = workflow.Version,
            Definition = workflow.Definition,
            TriggerId = hook.Id,
            OwnerId = hook.OwnerId,
            CredentialKind = hook.CredentialKind,
            CredentialId = hook.CredentialId,
            Scopes = hook.Scopes,
            Status = RunStatuses.Queued,
            Input = input.ToJsonString(),
            DueAt = now,
            CreatedAt = now,
            UpdatedAt = now,
        };
        try
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            db.Set<WorkflowHookDeliveryEntity>().Add(new WorkflowHookDeliveryEntity { HookId = hook.Id, DeliveryId = delivery.DeliveryId, RunId = run.Id, ReceivedAt = now });
            db.Set<WorkflowRunEntity>().Add(run);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (StoreFailure.IsUniqueViolation(ex))
        {
            // The same delivery, at the same moment, on this or another instance: its run is the answer.
            db.ChangeTracker.Clear();
            if (await RunOfAsync(db, hook.Id, delivery.DeliveryId, cancellationToken) is { } raced)
            {
                return Accepted(delivery, raced, duplicate: true);
            }

            throw;
        }

        engine.Wake();
        return Accepted(delivery, run.Id, duplicate: false);
    }

    private static Task<string?> RunOfAsync(PorticoDbContext db, string hookId, string deliveryId, CancellationToken cancellationToken)
        => db.Set<WorkflowHookDeliveryEntity>().AsNoTracking().Where(d => d.HookId == hookId && d.DeliveryId == deliveryId).Select(d => d.RunId).FirstOrDefaultAsync(cancellationToken);

    private static IResult Accepted(WorkflowHookDelivery delivery, string runId, bool duplicate)
        => Results.Content(new JsonObject
        {
            ["run_id"] = runId,
            ["workflow_id"] = delivery.Workflow.Id,
            ["delivery_id"] = delivery.DeliveryId,
            ["duplicate"] = duplicate,
        }.ToJsonString(), "application/json", statusCode: StatusCodes.Status202Accepted);

    private static IResult Error(HttpContext http, int status, string error, string message, string hint)
        => Results.Content(new JsonObject { ["error"] = error, ["message"] = message, ["hint"] = hint, ["requestId"] = http.TraceIdentifier }.ToJsonString(),
            "application/json", statusCode: status);
}
