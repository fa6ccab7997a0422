using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Portico.Cli;

[JsonSerializable(typeof(TenantOutput))]
[JsonSerializable(typeof(List<TenantOutput>))]
[JsonSerializable(typeof(MembershipOutput))]
[JsonSerializable(typeof(KeyOutput))]
[JsonSerializable(typeof(List<KeyOutput>))]
[JsonSerializable(typeof(CreatedKeyOutput))]
[JsonSerializable(typeof(CliErrorOutput))]
[JsonSerializable(typeof(UserOutput))]
[JsonSerializable(typeof(List<UserOutput>))]
[JsonSerializable(typeof(List<AuditOutput>))]
[JsonSerializable(typeof(ClientOutput))]
[JsonSerializable(typeof(List<ClientOutput>))]
internal sealed partial class CliJsonContext : JsonSerializerContext
{
    /// <summary>For a terminal or a script, not a web page: quotes and angle brackets stay as they are (no \u0027).</summary>
    public static CliJsonContext Relaxed { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
