// MCPEXP001: input-required results (InputRequiredException, InputResponses) are experimental in the SDK; the task
// fixture that gathers input before becoming a task is defined by the suite with them.
#pragma warning disable MCPEXP001

using System.Text.Json;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using Portico.Catalog;
using static ModelContextProtocol.Protocol.ElicitRequestParams;

namespace Portico.Tools.Conformance;

/// <summary>
/// The tasks extension's fixture (SEP-2663 scenarios): a tool answered directly, tools that run as tasks when the client
/// declares the extension (a slow one, one that ends in a tool error, one in a protocol error, two that wait for the
/// client's input), one that only runs as a task, and one that gathers input first and becomes a task on the final round.
/// </summary>
internal sealed partial class ConformancePack
{
    private static readonly JsonElement GreetSchema = JsonDocument.Parse("""
        {
          "type": "object",
          "properties": { "name": { "type": "string", "description": "Whom to greet" } },
          "required": ["name"]
        }
        """).RootElement;

    private static readonly JsonElement SlowComputeSchema = JsonDocument.Parse("""
        {
          "type": "object",
          "properties": {
            "seconds": { "type": "integer", "minimum": 0, "maximum": 600, "description": "How long the computation takes" },
            "label": { "type": "string", "description": "A name for the result" }
          },
          "required": ["seconds"]
        }
        """).RootElement;

    private static readonly JsonElement FilenameSchema = JsonDocument.Parse("""
        {
          "type": "object",
          "properties": { "filename": { "type": "string", "description": "The file to delete" } },
          "required": ["filename"]
        }
        """).RootElement;

    private void RegisterTaskTools(CatalogBuilder catalog)
    {
        catalog.AddTool(new ToolDefinition
        {
            Tool = new Tool { Name = "greet", Description = "Returns a greeting at once (never a task).", InputSchema = GreetSchema },
            Handler = (invocation, _) => Completed(TextResult($"Hello, {invocation.GetString("name")}!")),
            Owner = Name,
        });
        catalog.AddTool(new ToolDefinition
        {
            Tool = new Tool { Name = "slow_compute", Description = "Computes for the given number of seconds, reporting progress; runs as a task when the client can hold one.", InputSchema = SlowComputeSchema },
            Handler = SlowComputeAsync,
            Owner = Name,
            TaskSupport = TaskSupport.Optional,
        });
        catalog.AddTool(new ToolDefinition
        {
            Tool = NoArgumentTool("failing_job", "Works for about a second, then reports a tool error. Only runs as a task."),
            Handler = FailingJobAsync,
            Owner = Name,
            TaskSupport = TaskSupport.Required,
        });
        catalog.AddTool(new ToolDefinition
        {
            Tool = NoArgumentTool("protocol_error_job", "Fails with a protocol-level error (not a tool error)."),
            Handler = (_, _) => throw new McpProtocolException("The job hit a protocol-level error (the conformance fixture's deliberate failure).", McpErrorCode.InternalError),
            Owner = Name,
            TaskSupport = TaskSupport.Optional,
        });
        catalog.AddTool(new ToolDefinition
        {
            Tool = new Tool { Name = "confirm_delete", Description = "Asks the user to confirm before it 'deletes' the file (nothing is deleted).", InputSchema = FilenameSchema },
            Handler = ConfirmDeleteAsync,
            Owner = Name,
            TaskSupport = TaskSupport.Optional,
        });
        catalog.AddTool(new ToolDefinition
        {
            Tool = NoArgumentTool("multi_input", "Asks the user two questions at once and finishes when both are answered."),
            Handler = MultiInputAsync,
            Owner = Name,
            TaskSupport = TaskSupport.Optional,
        });
        catalog.AddTool(new ToolDefinition
        {
            Tool = NoArgumentTool("test_tool_with_task", "Asks for the user's name (an input-required answer), then greets them from a task."),
            Handler = ToolWithTaskAsync,
            Owner = Name,
            TaskSupport = TaskSupport.Required,
            // Round one gathers input in the call's own answer; the round that brings the answer becomes the task.
            TaskSupportFor = parameters => parameters?.InputResponses is { Count: > 0 } ? TaskSupport.Required : TaskSupport.Forbidden,
        });
    }

    private async ValueTask<CallToolResult> SlowComputeAsync(ToolInvocation invocation, CancellationToken cancellationToken)
    {
        var seconds = invocation.Arguments.GetProperty("seconds").GetInt32();
        var label = invocation.GetString("label") ?? "result";
        for (var second = 0; second < seconds; second++)
        {
            await Task.Delay(TimeSpan.FromSeconds(1), time, cancellationToken);
            if (invocation.Call.TaskProgress is { } progress)
            {
                await progress.ReportAsync(second + 1, seconds, $"Computed {second + 1} of {seconds} s.", cancellationToken);
            }
        }

        return TextResult($"Computed {label}");
    }

    private async ValueTask<CallToolResult> FailingJobAsync(ToolInvocation invocation, CancellationToken cancellationToken)
    {
        await Task.Delay(TimeSpan.FromSeconds(1), time, cancellationToken);
        return ToolError.Result("JOB_FAILED", "The job failed (the conformance fixture's deliberate tool error).",
            "Nothing to fix: this tool always fails.", invocation.Call.RequestId);
    }

    private static async ValueTask<CallToolResult> ConfirmDeleteAsync(ToolInvocation invocation, CancellationToken cancellationToken)
    {
        var filename = invocation.GetString("filename");
        var answer = await invocation.Server.ElicitAsync(Confirmation($"Delete {filename}?"), cancellationToken);
        return TextResult(answer.Action == "accept" ? $"Deleted {filename}" : $"Did not delete {filename}");
    }

    private static async ValueTask<CallToolResult> MultiInputAsync(ToolInvocation invocation, CancellationToken cancellationToken)
    {
        var answers = await Task.WhenAll(
            invocation.Server.ElicitAsync(Confirmation("Confirm the first operation."), cancellationToken).AsTask(),
            invocation.Server.ElicitAsync(Confirmation("Confirm the second operation."), cancellationToken).AsTask());
        return TextResult($"Both inputs received ({string.Join(", ", answers.Select(a => a.Action))}).");
    }

    private static ValueTask<CallToolResult> ToolWithTaskAsync(ToolInvocation invocation, CancellationToken cancellationToken)
    {
        // Portico's input-required API (Catalog.InputRequired): the first round asks in the call's own answer, the round
        // that brings the answer runs as a task (TaskSupportFor) and reads it like any other round.
        if (invocation.Input.Elicitation("user_name") is { } answer)
        {
            var name = answer.Content is { } content && content.TryGetValue("name", out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : "world";
            return Completed(TextResult($"Hello, {name}!"));
        }

        throw InputRequired.Ask("user_name", InputRequest.ForElicitation(new ElicitRequestParams
        {
            Message = "What is your name?",
            RequestedSchema = new RequestSchema { Properties = { ["name"] = new StringSchema() }, Required = ["name"] },
        }));
    }

    private static ElicitRequestParams Confirmation(string message) => new()
    {
        Message = message,
        RequestedSchema = new RequestSchema { Properties = { ["confirm"] = new BooleanSchema() }, Required = ["confirm"] },
    };
}
