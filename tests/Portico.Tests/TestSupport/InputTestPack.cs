// MCP9005: sampling is deprecated by SEP-2577 but is one of the requests an input-required round carries.
#pragma warning disable MCP9005
using System.Text.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol.Protocol;
using Portico.Catalog;

namespace Portico.Tests.TestSupport;

/// <summary>
/// A native tool that asks the client for input in two rounds, loaded only by tests: <c>interview</c> asks the user's
/// name (elicitation under 'name'), then the client's model for a line about the topic (sampling under 'line'), keeping
/// the name in its sealed state, and returns both. <c>interview_copy</c> is the same tool under another name; the
/// resource <c>input-test://roots</c> asks for the client's roots. The pack counts handlers running now, to show
/// nothing waits between rounds.
/// </summary>
internal sealed class InputTestPack : IMcpPack
{
    private static readonly JsonElement Schema = JsonDocument.Parse("""
        {"type":"object","properties":{"topic":{"type":"string"}},"required":["topic"]}
        """).RootElement;

    private int _running;

    public string Name => "input-test";

    /// <summary>Handlers of this pack running now (on this instance).</summary>
    public int Running => Volatile.Read(ref _running);

    public void Register(CatalogBuilder catalog)
    {
        catalog.AddTool(new Tool { Name = "interview", Description = "Asks a name, then a line about the topic.", InputSchema = Schema }, InterviewAsync);
        catalog.AddTool(new Tool { Name = "interview_copy", Description = "The same as interview.", InputSchema = Schema }, InterviewAsync);
        catalog.AddResource(new Resource { Uri = "input-test://roots", Name = "roots", Description = "The client's roots, asked for." }, (request, _) =>
        {
            var roots = McpCallContext.From(request.JsonRpcRequest).Input.Roots("roots")
                ?? throw InputRequired.Ask("roots", InputRequest.ForRootsList(new ListRootsRequestParams()));
            return ValueTask.FromResult(new ReadResourceResult
            {
                Contents = [new TextResourceContents { Uri = "input-test://roots", Text = string.Join(",", roots.Roots.Select(r => r.Uri)) }],
            });
        });
    }

    private async ValueTask<CallToolResult> InterviewAsync(ToolInvocation invocation, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _running);
        try
        {
            // A real await, so a handler that stayed suspended between rounds would show in Running.
            await Task.Yield();
            var input = invocation.Input;
            var topic = invocation.GetString("topic")!;
            if (input.State?["name"]?.GetValue<string>() is { } name && input.Sampling("line") is { } line)
            {
                var text = string.Join(" ", line.Content.OfType<TextContentBlock>().Select(b => b.Text));
                return new CallToolResult { Content = [new TextContentBlock { Text = $"{name} on {topic}: {text}" }] };
            }

            if (input.Elicitation("name") is { IsAccepted: true } answer && answer.Content?["name"].GetString() is { } given)
            {
                throw InputRequired.Ask("line", InputRequest.ForSampling(new CreateMessageRequestParams
                {
                    Messages = [new SamplingMessage { Role = Role.User, Content = [new TextContentBlock { Text = $"One line about {topic} for {given}" }] }],
                    MaxTokens = 50,
                }), new JsonObject { ["name"] = given });
            }

            throw InputRequired.Ask("name", InputRequest.ForElicitation(new ElicitRequestParams
            {
                Message = "Who is asking?",
                RequestedSchema = new ElicitRequestParams.RequestSchema
                {
                    Properties = new Dictionary<string, ElicitRequestParams.PrimitiveSchemaDefinition> { ["name"] = new ElicitRequestParams.StringSchema() },
                    Required = ["name"],
                },
            }));
        }
        finally
        {
            Interlocked.Decrement(ref _running);
        }
    }
}
