using System.Text.Json;
using ModelContextProtocol.Protocol;
using Portico.Catalog;
using Portico.Mcp;
using Portico.Policy;

namespace Portico.Tools.Conformance;

/// <summary>Tools that answer at once with one kind of content each (or an error).</summary>
internal sealed partial class ConformancePack
{
    /// <summary>
    /// Kept as raw JSON so every 2020-12 keyword ($schema, $defs, $anchor, allOf/anyOf, if/then/else,
    /// additionalProperties) reaches the client unchanged: the scenario checks that nothing strips them.
    /// </summary>
    private static readonly JsonElement JsonSchema202012 = JsonDocument.Parse("""
        {
          "$schema": "https://json-schema.org/draft/2020-12/schema",
          "type": "object",
          "$defs": {
            "address": {
              "$anchor": "addressDef",
              "type": "object",
              "properties": {
                "street": { "type": "string" },
                "city": { "type": "string" }
              }
            }
          },
          "properties": {
            "name": { "type": "string" },
            "address": { "$ref": "#/$defs/address" },
            "contactMethod": { "type": "string", "enum": ["phone", "email"] },
            "phone": { "type": "string" },
            "email": { "type": "string" }
          },
          "allOf": [{ "anyOf": [{ "required": ["phone"] }, { "required": ["email"] }] }],
          "if": { "properties": { "contactMethod": { "const": "phone" } }, "required": ["contactMethod"] },
          "then": { "required": ["phone"] },
          "else": { "required": ["email"] },
          "additionalProperties": false
        }
        """).RootElement;

    private static partial void RegisterContentTools(CatalogBuilder catalog)
    {
        catalog.AddTool(
            NoArgumentTool("test_simple_text", "Returns a simple text response."),
            (_, _) => Completed(TextResult("This is a simple text response for testing.")));

        catalog.AddTool(
            NoArgumentTool("test_image_content", "Returns one PNG image."),
            (_, _) => Completed(new CallToolResult { Content = [ImageContentBlock.FromBytes(Png, "image/png")] }));

        catalog.AddTool(
            NoArgumentTool("test_audio_content", "Returns one WAV audio clip."),
            (_, _) => Completed(new CallToolResult { Content = [AudioContentBlock.FromBytes(Wav, "audio/wav")] }));

        catalog.AddTool(
            NoArgumentTool("test_embedded_resource", "Returns an embedded text resource."),
            (_, _) => Completed(new CallToolResult
            {
                Content = [EmbeddedText("test://embedded-resource", "text/plain", "This is an embedded resource content.")],
            }));

        catalog.AddTool(
            NoArgumentTool("test_multiple_content_types", "Returns text, an image and an embedded resource together."),
            (_, _) => Completed(new CallToolResult
            {
                Content =
                [
                    new TextContentBlock { Text = "Multiple content types test:" },
                    ImageContentBlock.FromBytes(Png, "image/png"),
                    EmbeddedText("test://mixed-content-resource", "application/json", """{"test":"data","value":123}"""),
                ],
            }));

        catalog.AddTool(
            NoArgumentTool("test_error_handling", "Always fails: returns a tool error result (isError)."),
            (_, _) => Completed(new CallToolResult
            {
                IsError = true,
                Content = [new TextContentBlock { Text = "This tool intentionally returns an error for testing" }],
            }));

        catalog.AddTool(
            new Tool { Name = "json_schema_2020_12_tool", Description = "Tool with JSON Schema 2020-12 features", InputSchema = JsonSchema202012 },
            (invocation, _) => Completed(TextResult(
                $"JSON Schema 2020-12 tool called with: {JsonSerializer.Serialize(invocation.Arguments, McpJson.Options.GetTypeInfo(typeof(JsonElement)))}")));
    }

    private static EmbeddedResourceBlock EmbeddedText(string uri, string mimeType, string text)
        => new() { Resource = new TextResourceContents { Uri = uri, MimeType = mimeType, Text = text } };
}
