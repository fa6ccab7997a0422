// MCP9005: sampling and roots are deprecated by SEP-2577, but input-required results (2026-07-28) still carry them and
// the suite's input-required scenarios ask for both.
#pragma warning disable MCP9005

using System.Text.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using Portico.Catalog;
using Portico.Policy;
using static ModelContextProtocol.Protocol.ElicitRequestParams;

namespace Portico.Tools.Conformance;

/// <summary>
/// The fixture of the suite's <c>input-required-result-*</c> scenarios (SEP-2322, 0.2.0-alpha.12): re-entrant tools and a
/// prompt that ask the client for input with <see cref="InputRequired"/> and finish when the answers come back. Their
/// state travels sealed in <c>requestState</c>; a 2025-xx session gets the same questions as server→client requests.
/// </summary>
internal sealed partial class ConformancePack
{
    private static partial void RegisterInputRequiredTools(CatalogBuilder catalog)
    {
        catalog.AddTool(
            NoArgumentTool("test_input_required_result_elicitation", "Asks the user's name (elicitation under 'user_name'), then greets them."),
            (invocation, _) => Completed(Greet(invocation)));

        catalog.AddTool(
            NoArgumentTool("test_input_required_result_sampling", "Asks the client's model the capital of France (sampling under 'capital_question'), then returns its answer."),
            (invocation, _) => Completed(Capital(invocation)));

        catalog.AddTool(
            NoArgumentTool("test_input_required_result_list_roots", "Asks the client for its roots (roots/list under 'client_roots'), then lists them."),
            (invocation, _) => Completed(ListRoots(invocation)));

        catalog.AddTool(
            NoArgumentTool("test_input_required_result_request_state", "Asks for a confirmation with a sealed requestState; answers 'state-ok' when the state comes back intact."),
            (invocation, _) => Completed(ConfirmWithState(invocation)));

        catalog.AddTool(
            NoArgumentTool("test_input_required_result_tampered_state", "As test_input_required_result_request_state; a retry with an altered requestState is refused (-32602)."),
            (invocation, _) => Completed(ConfirmWithState(invocation)));

        catalog.AddTool(
            NoArgumentTool("test_input_required_result_multiple_inputs", "Asks for a name, a greeting from the model and the client's roots in one round; finishes when all are answered."),
            (invocation, _) => Completed(MultipleInputs(invocation)));

        catalog.AddTool(
            NoArgumentTool("test_input_required_result_multi_round", "Asks a name (round 1), then a favourite colour (round 2), then answers with both."),
            (invocation, _) => Completed(MultiRound(invocation)));

        catalog.AddTool(
            NoArgumentTool("test_input_required_result_capabilities", "Asks only what the request's client capabilities allow (elicitation and/or sampling), then reports the answers."),
            (invocation, _) => Completed(Capabilities(invocation)));

        catalog.AddPrompt(
            new Prompt { Name = "test_input_required_result_prompt", Description = "A prompt that asks the user for its context (elicitation under 'user_context') before it renders." },
            (request, _) => ValueTask.FromResult(ContextPrompt(McpCallContext.From(request.JsonRpcRequest).Input)));
    }

    private static CallToolResult Greet(ToolInvocation invocation)
        => invocation.Input.Elicitation("user_name") is { } answer
            ? TextResult(answer.IsAccepted && Field(answer, "name") is { } name ? $"Hello, {name}!" : $"No name given (action={answer.Action}).")
            : throw InputRequired.Ask("user_name", NameQuestion("What is your name?"));

    private static CallToolResult Capital(ToolInvocation invocation)
        => invocation.Input.Sampling("capital_question") is { } answer
            ? TextResult($"The model answered: {Text(answer)}")
            : throw InputRequired.Ask("capital_question", Sample("What is the capital of France?", 100));

    private static CallToolResult ListRoots(ToolInvocation invocation)
        => invocation.Input.Roots("client_roots") is { } answer
            ? TextResult($"The client has {answer.Roots.Count} root(s): {string.Join(", ", answer.Roots.Select(r => r.Name is null ? r.Uri : $"{r.Uri} ({r.Name})"))}")
            : throw InputRequired.Ask("client_roots", InputRequest.ForRootsList(new ListRootsRequestParams()));

    /// <summary>Finishes only when the answer comes with the state sealed in round 1 (an answer without it is asked again).</summary>
    private static CallToolResult ConfirmWithState(ToolInvocation invocation)
    {
        if (invocation.Input.State?["awaiting"]?.GetValue<string>() == "confirm" && invocation.Input.Elicitation("confirm") is { } answer)
        {
            var confirmed = answer.Content?.TryGetValue("ok", out var ok) == true && ok.ValueKind == JsonValueKind.True;
            return TextResult($"state-ok: the requestState came back intact; confirmed={(confirmed ? "true" : "false")} (action={answer.Action}).");
        }

        var question = InputRequest.ForElicitation(new ElicitRequestParams
        {
            Message = "Please confirm",
            RequestedSchema = new RequestSchema { Properties = new Dictionary<string, PrimitiveSchemaDefinition> { ["ok"] = new BooleanSchema() }, Required = ["ok"] },
        });
        throw InputRequired.Ask("confirm", question, new JsonObject { ["awaiting"] = "confirm" });
    }

    /// <summary>Asks what is still missing of three answers, keeping the ones given so far in its state.</summary>
    private static CallToolResult MultipleInputs(ToolInvocation invocation)
    {
        var input = invocation.Input;
        var known = input.State?.DeepClone().AsObject() ?? [];
        if (input.Elicitation("user_name") is { } name)
        {
            known["name"] = Field(name, "name") ?? $"({name.Action})";
        }

        if (input.Sampling("greeting") is { } greeting)
        {
            known["greeting"] = Text(greeting);
        }

        if (input.Roots("client_roots") is { } roots)
        {
            known["roots"] = new JsonArray([.. roots.Roots.Select(r => JsonValue.Create(r.Uri))]);
        }

        var missing = new Dictionary<string, InputRequest>(StringComparer.Ordinal);
        if (known["name"] is null && input.CanAsk(RequestMethods.ElicitationCreate))
        {
            missing["user_name"] = NameQuestion("What is your name?");
        }

        if (known["greeting"] is null && input.CanAsk(RequestMethods.SamplingCreateMessage))
        {
            missing["greeting"] = Sample("Generate a greeting", 50);
        }

        if (known["roots"] is null && input.CanAsk(RequestMethods.RootsList))
        {
            missing["client_roots"] = InputRequest.ForRootsList(new ListRootsRequestParams());
        }

        return missing.Count == 0
            ? TextResult($"All inputs received: {known.ToJsonString()}")
            : throw new InputRequired(missing, known);
    }

    private static CallToolResult MultiRound(ToolInvocation invocation)
    {
        var input = invocation.Input;
        var step = input.State?["step"]?.GetValue<int>() ?? 0;
        if (step == 2 && input.Elicitation("step2") is { } colour)
        {
            return TextResult($"{input.State!["name"]}'s favourite colour is {Field(colour, "color") ?? $"unknown ({colour.Action})"}.");
        }

        if (step == 1 && input.Elicitation("step1") is { } name)
        {
            var question = InputRequest.ForElicitation(new ElicitRequestParams
            {
                Message = "Step 2: What is your favorite color?",
                RequestedSchema = new RequestSchema { Properties = new Dictionary<string, PrimitiveSchemaDefinition> { ["color"] = new StringSchema() }, Required = ["color"] },
            });
            throw InputRequired.Ask("step2", question, new JsonObject { ["step"] = 2, ["name"] = Field(name, "name") ?? "someone" });
        }

        // The first round, or a retry that lost its state: start from step 1.
        throw InputRequired.Ask("step1", NameQuestion("Step 1: What is your name?"), new JsonObject { ["step"] = 1 });
    }

    private static CallToolResult Capabilities(ToolInvocation invocation)
    {
        var input = invocation.Input;
        if (input.State is not null)
        {
            var answers = new List<string>();
            if (input.Elicitation("user_name") is { } name)
            {
                answers.Add($"name: {Field(name, "name") ?? name.Action}");
            }

            if (input.Sampling("greeting") is { } greeting)
            {
                answers.Add($"greeting: {Text(greeting)}");
            }

            return TextResult($"Answers for the declared capabilities: {(answers.Count == 0 ? "none" : string.Join("; ", answers))}.");
        }

        var ask = new Dictionary<string, InputRequest>(StringComparer.Ordinal);
        if (input.CanAsk(RequestMethods.ElicitationCreate))
        {
            ask["user_name"] = NameQuestion("What is your name?");
        }

        if (input.CanAsk(RequestMethods.SamplingCreateMessage))
        {
            ask["greeting"] = Sample("Generate a greeting", 50);
        }

        return ask.Count == 0
            ? TextResult("The client declared neither elicitation nor sampling, so there is nothing to ask.")
            : throw new InputRequired(ask, new JsonObject { ["asked"] = new JsonArray([.. ask.Keys.Select(k => JsonValue.Create(k))]) });
    }

    private static GetPromptResult ContextPrompt(ClientInput input)
    {
        if (input.Elicitation("user_context") is not { } answer)
        {
            var question = InputRequest.ForElicitation(new ElicitRequestParams
            {
                Message = "What context should the prompt use?",
                RequestedSchema = new RequestSchema { Properties = new Dictionary<string, PrimitiveSchemaDefinition> { ["context"] = new StringSchema() }, Required = ["context"] },
            });
            throw InputRequired.Ask("user_context", question);
        }

        var context = answer.IsAccepted ? Field(answer, "context") ?? "(none)" : $"(none: {answer.Action})";
        return new GetPromptResult { Messages = [UserText($"Answer with this context in mind: {context}")] };
    }

    private static InputRequest NameQuestion(string message) => InputRequest.ForElicitation(new ElicitRequestParams
    {
        Message = message,
        RequestedSchema = new RequestSchema { Properties = new Dictionary<string, PrimitiveSchemaDefinition> { ["name"] = new StringSchema() }, Required = ["name"] },
    });

    private static InputRequest Sample(string prompt, int maxTokens) => InputRequest.ForSampling(new CreateMessageRequestParams
    {
        Messages = [new SamplingMessage { Role = Role.User, Content = [new TextContentBlock { Text = prompt }] }],
        MaxTokens = maxTokens,
    });

    private static string? Field(ElicitResult answer, string field)
        => answer.Content?.TryGetValue(field, out var value) == true && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string Text(CreateMessageResult answer) => string.Join("\n", answer.Content.OfType<TextContentBlock>().Select(block => block.Text));
}
