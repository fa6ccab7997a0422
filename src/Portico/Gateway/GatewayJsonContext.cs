using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Portico.Gateway;

[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(IReadOnlyDictionary<string, string>))]
[JsonSerializable(typeof(List<string>))]
[JsonSerializable(typeof(IReadOnlyList<string>))]
[JsonSerializable(typeof(List<VendorHealth>))]
[JsonSerializable(typeof(List<VendorStatus>))]
[JsonSerializable(typeof(UpstreamInput))]
[JsonSerializable(typeof(UpstreamOutput))]
[JsonSerializable(typeof(List<UpstreamOutput>))]
[JsonSerializable(typeof(UpstreamTestOutput))]
[JsonSerializable(typeof(GatewayError))]
[JsonSerializable(typeof(UpstreamCredentialInput))]
[JsonSerializable(typeof(UpstreamCredentialOutput))]
[JsonSerializable(typeof(List<UpstreamCredentialOutput>))]
[JsonSerializable(typeof(UpstreamOAuthTokens))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
internal sealed partial class GatewayJsonContext : JsonSerializerContext
{
    /// <summary>For a terminal or a script (the CLI): readable quotes, indented.</summary>
    public static GatewayJsonContext Relaxed { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
