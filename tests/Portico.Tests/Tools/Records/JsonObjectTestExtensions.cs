using System.Text.Json.Nodes;

namespace Portico.Tests.Tools.Records;

internal static class JsonObjectTestExtensions
{
    /// <summary>Keeps only the arguments <paramref name="tool"/> takes (the pipeline refuses unknown ones before the tool sees the id).</summary>
    public static JsonObject OnlyArgumentsOf(this JsonObject arguments, string tool)
    {
        string[] keep = tool switch
        {
            "get_entity" => ["id"],
            "delete_entity" => ["id", "confirm"],
            _ => ["id", "attributes"],
        };
        foreach (var name in arguments.Select(p => p.Key).Where(k => !keep.Contains(k)).ToList())
        {
            arguments.Remove(name);
        }

        return arguments;
    }
}
