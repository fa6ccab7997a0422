using System.Text.Json.Serialization;

namespace Portico.Access;

[JsonSerializable(typeof(Dictionary<string, object>))]
[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSourceGenerationOptions(WriteIndented = true)]
internal sealed partial class ClientConfigurationJsonContext : JsonSerializerContext;
