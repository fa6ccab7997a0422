using System.Text.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using Portico.Access;
using Portico.Catalog;
using Portico.Mcp;
using Portico.Policy.Approvals;

namespace Portico.Tools.Workflows;

/// <summary>
/// Makes one <c>tools/call</c> for a workflow step exactly as an interactive call is made, without an HTTP request: the
/// message carries a <see cref="McpCallContext"/> for the run's owner in the run's tenant (as <c>/{tenantId}/mcp</c>
/// would), and is served by an SDK server from <see cref="McpServerFactory"/> over a stateless transport — the server a
/// 2026-07-28 request gets. So the call passes the same policy pipeline (scope, tenant and membership, tier,
/// availability, integration, schema, confirmation, rate limit, timeout, audit) and reaches native, pack and upstream
/// tools alike. The answer is taken from the messages the server sends; the call declares no client capabilities, so a
/// tool that needs the client's input fails the step instead of waiting.
/// </summary>
internal sealed class WorkflowStepCaller(McpServerFactory servers)
{
    public async Task<StepOutcome> CallAsync(Principal principal, string tenantId, string requestId, string tool, JsonObject arguments, CancellationToken cancellationToken)
    {
        var id = new RequestId(requestId);
        var message = new JsonRpcRequest
        {
            Id = id,
            Method = RequestMethods.ToolsCall,
            Params = new JsonObject
            {
                ["name"] = tool,
                ["arguments"] = arguments.DeepClone(),
                ["_meta"] = new JsonObject
                {
                    ["io.modelcontextprotocol/protocolVersion"] = McpProtocol.StatelessRevision,
                    ["io.modelcontextprotocol/clientInfo"] = new JsonObject { ["name"] = "portico-workflows", ["version"] = McpServerFactory.ServerInfo.Version },
                    ["io.modelcontextprotocol/clientCapabilities"] = new JsonObject(),
                },
            },
            Context = new JsonRpcMessageContext { ProtocolVersion = McpProtocol.StatelessRevision },
        };
        new McpCallContext
        {
            RequestId = requestId,
            Session = null,
            Principal = principal,
            UrlTenantId = tenantId,
            ClientCancelled = cancellationToken,
        }.AttachTo(message);

        var answer = new TaskCompletionSource<JsonRpcMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        McpMessageFilter capture = next => (context, token) =>
        {
            if (context.JsonRpcMessage is JsonRpcMessageWithId { } reply and (JsonRpcResponse or JsonRpcError) && reply.Id.Equals(id))
            {
                answer.TrySetResult(reply);
            }

            return next(context, token);
        };

        var transport = new StreamableHttpServerTransport(servers.LoggerFactory) { Stateless = true, FlowExecutionContextFromRequests = true };
        await using var server = servers.Create(transport, capture);
        using var stop = new CancellationTokenSource();
        var run = server.RunAsync(stop.Token);
        try
        {
            var post = transport.HandlePostRequestAsync(message, Stream.Null, cancellationToken);
            var reply = await answer.Task.WaitAsync(cancellationToken);
            await post.WaitAsync(cancellationToken);
            return Read(reply);
        }
        finally
        {
            await transport.DisposeAsync();
            await stop.CancelAsync();
            try
            {
                await run;
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    private static StepOutcome Read(JsonRpcMessage reply)
    {
        if (reply is JsonRpcError error)
        {
            return StepOutcome.Failure($"PROTOCOL_ERROR_{error.Error.Code}", error.Error.Message);
        }

        var result = ((JsonRpcResponse)reply).Result;
        if (result is JsonObject obj && obj["resultType"] is JsonValue type && type.TryGetValue<string>(out var kind) && kind != "complete")
        {
            return StepOutcome.Failure("INPUT_REQUIRED", $"The tool answered '{kind}': it needs input from a client, which a workflow step cannot give.");
        }

        var call = result.Deserialize(McpJsonUtilities.DefaultOptions.GetTypeInfo<CallToolResult>());
        if (call is null)
        {
            return StepOutcome.Failure("INTERNAL_ERROR", "The tool returned no result.");
        }

        var text = string.Join("\n", call.Content.OfType<TextContentBlock>().Select(t => t.Text));
        if (call.IsError == true)
        {
            var envelope = call.StructuredContent is { ValueKind: JsonValueKind.Object } s && s.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.Object ? e : default;
            var code = envelope.ValueKind == JsonValueKind.Object && envelope.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString()! : "TOOL_ERROR";
            var said = envelope.ValueKind == JsonValueKind.Object && envelope.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : text;
            return StepOutcome.Failure(code, said.Length == 0 ? "The tool reported an error without a message." : said) with { ApprovalId = ApprovalGate.PendingIn(call) };
        }

        return StepOutcome.Success(call.StructuredContent is { } structured
            ? JsonNode.Parse(structured.GetRawText())
            : new JsonObject { ["text"] = text });
    }
}
