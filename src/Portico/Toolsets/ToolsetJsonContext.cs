using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Portico.Catalog;

namespace Portico.Toolsets;

[JsonSerializable(typeof(ToolsetInput))]
[JsonSerializable(typeof(ToolsetOutput))]
[JsonSerializable(typeof(List<ToolsetOutput>))]
[JsonSerializable(typeof(List<ToolsetEntry>))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
internal sealed partial class ToolsetJsonContext : JsonSerializerContext
{
    /// <summary>For a terminal or a script (the CLI): readable quotes, indented.</summary>
    public static ToolsetJsonContext Relaxed { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
