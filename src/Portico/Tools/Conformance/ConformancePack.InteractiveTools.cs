using Portico.Catalog;
// MCP9005: logging and sampling are deprecated by the 2026-07-28 revision, but the 2025-xx
// sessions this fixture serves still have them and the suite exercises both.
#pragma warning disable MCP9005

using System.Text.Json;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using Portico.Mcp;
using Portico.Policy;

namespace Portico.Tools.Conformance;

/// <summary>
/// Tools that talk to the client while they run: log and progress notifications, a sampling
/// request (asked with <see cref="InputRequired"/>: a server-to-client request in a session), and a
/// call that drops its own response stream. Everything they send travels on the call's own SSE
/// stream, before its result.
/// </summary>
internal sealed partial class ConformancePack
{
    /// <summary>Pause between a tool's notifications, so the client sees them arrive over time.</summary>
    private static readonly TimeSpan StepDelay = TimeSpan.FromMilliseconds(50);

    private static readonly JsonElement SamplingSchema = JsonDocument.Parse("""
        {
          "type": "object",
          "properties": {
            "prompt": { "type": "string", "description": "The prompt to send to the LLM" }
          },
          "required": ["prompt"]
        }
        """).RootElement;

    private partial void RegisterInteractiveTools(CatalogBuilder catalog)
    {
        catalog.AddTool(
            NoArgumentTool("test_tool_with_logging", "Sends three log notifications while it runs, then returns text."),
            LoggingAsync);

        catalog.AddTool(
            NoArgumentTool("test_tool_with_progress", "Reports progress 0, 50 and 100 of 100 (when the call has a progress token), then returns text."),
            ProgressAsync);

        catalog.AddTool(
            NoArgumentTool("test_reconnection", "Closes its response stream mid-call and finishes later; the result reaches a client that resumes with Last-Event-ID."),
            ReconnectionAsync);

        catalog.AddTool(
            new Tool { Name = "test_sampling", Description = "Asks the client's LLM to answer the prompt (sampling/createMessage) and returns the answer.", InputSchema = SamplingSchema },
            (invocation, _) => Completed(Sampling(invocation)));
    }

    private async ValueTask<CallToolResult> LoggingAsync(ToolInvocation invocation, CancellationToken cancellationToken)
    {
        await LogToClientAsync(invocation, "Tool execution started", cancellationToken);
        await Task.Delay(StepDelay, time, cancellationToken);
        await LogToClientAsync(invocation, "Tool processing data", cancellationToken);
        await Task.Delay(StepDelay, time, cancellationToken);
        await LogToClientAsync(invocation, "Tool execution completed", cancellationToken);
        return TextResult("Tool with logging executed successfully");
    }

    private async ValueTask<CallToolResult> ProgressAsync(ToolInvocation invocation, CancellationToken cancellationToken)
    {
        // Without a token the client did not ask for progress, so there is nothing to report to.
        if (invocation.ProgressToken is { } token)
        {
            float[] steps = [0, 50, 100];
            for (var i = 0; i < steps.Length; i++)
            {
                if (i > 0)
                {
                    await Task.Delay(StepDelay, time, cancellationToken);
                }

                await invocation.Server.NotifyProgressAsync(token, new ProgressNotificationValue { Progress = steps[i], Total = 100 }, cancellationToken: cancellationToken);
            }
        }

        return TextResult("Progress test completed");
    }

    private async ValueTask<CallToolResult> ReconnectionAsync(ToolInvocation invocation, CancellationToken cancellationToken)
    {
        // Ends the POST response now. The call keeps running; its result is kept in the event
        // store and delivered to the client when it comes back with Last-Event-ID.
        await invocation.Request.EnablePollingAsync(mcpOptions.Value.ReconnectInterval, cancellationToken);
        await Task.Delay(TimeSpan.FromMilliseconds(100), time, cancellationToken);
        return TextResult("Reconnection test completed successfully. If you received this, the client properly reconnected after stream closure.");
    }

    /// <summary>Asks the client's model (sampling under 'answer'): an input-required result on 2026-07-28, a server→client request in a session.</summary>
    private static CallToolResult Sampling(ToolInvocation invocation)
    {
        var prompt = invocation.GetString("prompt");
        if (string.IsNullOrEmpty(prompt))
        {
            return ToolError.Result("INVALID_ARGUMENTS", "'prompt' is required and must be a non-empty string.",
                "Pass the text to sample, e.g. {\"prompt\": \"Say hello\"}.", invocation.Call.RequestId);
        }

        if (invocation.Input.Sampling("answer") is { } answer)
        {
            return TextResult($"LLM response: {Text(answer)}");
        }

        throw InputRequired.Ask("answer", InputRequest.ForSampling(new CreateMessageRequestParams
        {
            Messages = [new SamplingMessage { Role = Role.User, Content = [new TextContentBlock { Text = prompt }] }],
            MaxTokens = 100,
        }));
    }

    /// <summary>Sends an <c>info</c> log message unless the client raised its threshold above that with <c>logging/setLevel</c>.</summary>
    private static Task LogToClientAsync(ToolInvocation invocation, string message, CancellationToken cancellationToken)
    {
        const LoggingLevel level = LoggingLevel.Info;
        if (invocation.Server.LoggingLevel is { } threshold && level < threshold)
        {
            return Task.CompletedTask;
        }

        var notification = new LoggingMessageNotificationParams
        {
            Level = level,
            Logger = "conformance",
            Data = JsonSerializer.SerializeToElement(message, McpJson.Options.GetTypeInfo(typeof(string))),
        };
        return invocation.Server.SendNotificationAsync(NotificationMethods.LoggingMessageNotification, notification, McpJson.Options, cancellationToken);
    }
}
