using System.Text.Json.Serialization;

namespace Portico.Health;

[JsonSerializable(typeof(HealthStatus))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
internal sealed partial class HealthJsonContext : JsonSerializerContext;
