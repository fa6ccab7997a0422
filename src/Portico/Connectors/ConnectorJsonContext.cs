using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Portico.Connectors;

[JsonSerializable(typeof(ConnectorInput))]
[JsonSerializable(typeof(ConnectorOutput))]
[JsonSerializable(typeof(List<ConnectorOutput>))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
internal sealed partial class ConnectorJsonContext : JsonSerializerContext
{
    /// <summary>For a terminal or a script (the CLI): readable quotes, indented.</summary>
    public static ConnectorJsonContext Relaxed { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
