using System.Text.Json.Serialization;

namespace Portico.Tasks;

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CreatedTaskResult))]
internal sealed partial class TasksJsonContext : JsonSerializerContext;
