using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Portico.Cli;

[JsonSerializable(typeof(UserOutput))]
[JsonSerializable(typeof(List<UserOutput>))]
internal sealed partial class UsersJsonContext : JsonSerializerContext
{
    /// <summary>Same output conventions as <see cref="CliJsonContext.Relaxed"/>.</summary>
    public static UsersJsonContext Relaxed { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
