using System.Text.Json;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using Portico.Catalog;
using Portico.Policy;

namespace Portico.Tools.Conformance;

/// <summary>Prompts: plain, with arguments, with an embedded resource and with an image.</summary>
internal sealed partial class ConformancePack
{
    private static partial void RegisterPrompts(CatalogBuilder catalog)
    {
        catalog.AddPrompt(
            new Prompt { Name = "test_simple_prompt", Description = "A simple prompt without arguments." },
            (_, _) => Messages(UserText("This is a simple prompt for testing.")));

        catalog.AddPrompt(
            new Prompt
            {
                Name = "test_prompt_with_arguments",
                Description = "A prompt that repeats its two arguments.",
                Arguments =
                [
                    new PromptArgument { Name = "arg1", Description = "First test argument", Required = true },
                    new PromptArgument { Name = "arg2", Description = "Second test argument", Required = true },
                ],
            },
            (request, _) => Messages(UserText($"Prompt with arguments: arg1='{RequiredArgument(request, "arg1")}', arg2='{RequiredArgument(request, "arg2")}'")));

        catalog.AddPrompt(
            new Prompt
            {
                Name = "test_prompt_with_embedded_resource",
                Description = "A prompt that embeds the resource it is given.",
                Arguments = [new PromptArgument { Name = "resourceUri", Description = "URI of the resource to embed", Required = true }],
            },
            (request, _) => Messages(
                new PromptMessage
                {
                    Role = Role.User,
                    Content = EmbeddedText(RequiredArgument(request, "resourceUri"), "text/plain", "Embedded resource content for testing."),
                },
                UserText("Please process the embedded resource above.")));

        catalog.AddPrompt(
            new Prompt { Name = "test_prompt_with_image", Description = "A prompt that includes an image." },
            (_, _) => Messages(
                new PromptMessage { Role = Role.User, Content = ImageContentBlock.FromBytes(Png, "image/png") },
                UserText("Please analyze the image above.")));
    }

    private static string RequiredArgument(RequestContext<GetPromptRequestParams> request, string name)
        => request.Params?.Arguments is { } arguments && arguments.TryGetValue(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new McpProtocolException($"Prompt '{request.Params?.Name}' needs the string argument '{name}'.", McpErrorCode.InvalidParams);

    private static PromptMessage UserText(string text) => new() { Role = Role.User, Content = new TextContentBlock { Text = text } };

    private static ValueTask<GetPromptResult> Messages(params PromptMessage[] messages) => ValueTask.FromResult(new GetPromptResult { Messages = messages });
}
