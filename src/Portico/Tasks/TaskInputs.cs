using System.Text.Json.Nodes;

namespace Portico.Tasks;

/// <summary>A task's input requests and answers as stored: one JSON object by key.</summary>
internal static class TaskInputs
{
    public static JsonObject Parse(string? json) => json is not null && JsonNode.Parse(json) is JsonObject parsed ? parsed : [];
}
