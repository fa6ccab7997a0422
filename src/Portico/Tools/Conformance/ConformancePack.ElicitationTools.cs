using System.Text.Json;
using ModelContextProtocol.Protocol;
using Portico.Catalog;
using Portico.Mcp;
using Portico.Policy;
using static ModelContextProtocol.Protocol.ElicitRequestParams;

namespace Portico.Tools.Conformance;

/// <summary>Tools that ask the user for input through the client (<c>elicitation/create</c>, asked with <see cref="InputRequired"/>).</summary>
internal sealed partial class ConformancePack
{
    private static readonly JsonElement ElicitationSchema = JsonDocument.Parse("""
        {
          "type": "object",
          "properties": {
            "message": { "type": "string", "description": "The message to show the user" }
          },
          "required": ["message"]
        }
        """).RootElement;

    private static partial void RegisterElicitationTools(CatalogBuilder catalog)
    {
        catalog.AddTool(
            new Tool { Name = "test_elicitation", Description = "Asks the user for a username and an email address and returns the answer.", InputSchema = ElicitationSchema },
            (invocation, _) => Completed(UserInfoElicitation(invocation)));

        catalog.AddTool(
            NoArgumentTool("test_elicitation_sep1034_defaults", "Asks the user to review a form whose fields all have defaults (SEP-1034)."),
            (invocation, _) => Completed(Elicit(invocation, "Elicitation completed", DefaultsForm())));

        catalog.AddTool(
            NoArgumentTool("test_elicitation_sep1330_enums", "Asks the user to choose from the five enum field styles (SEP-1330)."),
            (invocation, _) => Completed(Elicit(invocation, "Elicitation completed", EnumsForm())));
    }

    private static CallToolResult UserInfoElicitation(ToolInvocation invocation)
    {
        var message = invocation.GetString("message");
        if (string.IsNullOrEmpty(message))
        {
            return ToolError.Result("INVALID_ARGUMENTS", "'message' is required and must be a non-empty string.",
                "Pass the text to show the user, e.g. {\"message\": \"Please provide your information\"}.", invocation.Call.RequestId);
        }

        var form = new ElicitRequestParams
        {
            Message = message,
            RequestedSchema = new RequestSchema
            {
                Properties = new Dictionary<string, PrimitiveSchemaDefinition>
                {
                    ["username"] = new StringSchema { Description = "User's response" },
                    ["email"] = new StringSchema { Description = "User's email address" },
                },
                Required = ["username", "email"],
            },
        };
        return Elicit(invocation, "User response", form);
    }

    /// <summary>Asks the user to fill <paramref name="form"/> (under 'form'), then reports the answer: one code for 2026-07-28 and sessions.</summary>
    private static CallToolResult Elicit(ToolInvocation invocation, string label, ElicitRequestParams form)
    {
        if (invocation.Input.Elicitation("form") is not { } answer)
        {
            throw InputRequired.Ask("form", InputRequest.ForElicitation(form));
        }

        var content = answer.Content is null
            ? "null"
            : JsonSerializer.Serialize(answer.Content, McpJson.Options.GetTypeInfo(typeof(IDictionary<string, JsonElement>)));
        return TextResult($"{label}: action={answer.Action}, content={content}");
    }

    private static ElicitRequestParams DefaultsForm() => new()
    {
        Mode = "form",
        Message = "Please review and update the form fields with defaults",
        RequestedSchema = new RequestSchema
        {
            Properties = new Dictionary<string, PrimitiveSchemaDefinition>
            {
                ["name"] = new StringSchema { Description = "User name", Default = "John Doe" },
                ["age"] = new NumberSchema { Type = "integer", Description = "User age", Default = 30 },
                ["score"] = new NumberSchema { Description = "User score", Default = 95.5 },
                ["status"] = new UntitledSingleSelectEnumSchema { Description = "User status", Enum = ["active", "inactive", "pending"], Default = "active" },
                ["verified"] = new BooleanSchema { Description = "Verification status", Default = true },
            },
            Required = [],
        },
    };

    private static ElicitRequestParams EnumsForm() => new()
    {
        Mode = "form",
        Message = "Please select options from the enum fields",
        RequestedSchema = new RequestSchema
        {
            Properties = new Dictionary<string, PrimitiveSchemaDefinition>
            {
                ["untitledSingle"] = new UntitledSingleSelectEnumSchema { Description = "Select one option", Enum = ["option1", "option2", "option3"] },
                ["titledSingle"] = new TitledSingleSelectEnumSchema
                {
                    Description = "Select one option with titles",
                    OneOf = [Option("value1", "First Option"), Option("value2", "Second Option"), Option("value3", "Third Option")],
                },
#pragma warning disable MCP9001 // the deprecated enumNames form is one of the variants the scenario checks
                ["legacyEnum"] = new LegacyTitledEnumSchema
                {
                    Description = "Select one option (legacy)",
                    Enum = ["opt1", "opt2", "opt3"],
                    EnumNames = ["Option One", "Option Two", "Option Three"],
                },
#pragma warning restore MCP9001
                ["untitledMulti"] = new UntitledMultiSelectEnumSchema
                {
                    Description = "Select multiple options",
                    MinItems = 1,
                    MaxItems = 3,
                    Items = new UntitledEnumItemsSchema { Enum = ["option1", "option2", "option3"] },
                },
                ["titledMulti"] = new TitledMultiSelectEnumSchema
                {
                    Description = "Select multiple options with titles",
                    MinItems = 1,
                    MaxItems = 3,
                    Items = new TitledEnumItemsSchema { AnyOf = [Option("value1", "First Choice"), Option("value2", "Second Choice"), Option("value3", "Third Choice")] },
                },
            },
            Required = [],
        },
    };

    private static EnumSchemaOption Option(string value, string title) => new() { Const = value, Title = title };
}
