using System.Text.Json;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Protocol;
using Portico.Catalog;
using Portico.Mcp;
using Portico.Policy;

namespace Portico.Tools.Conformance;

/// <summary>
/// The fixture the MCP conformance suite's server scenarios expect (names, texts and data are
/// defined by the suite; see docs/conformance-fixture.md). Enabled only by <c>serve --conformance</c>.
/// </summary>
internal sealed partial class ConformancePack(TimeProvider time, IOptions<McpOptions> mcpOptions) : IMcpPack
{
    /// <summary>A 1×1 red PNG.</summary>
    private const string PngBase64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==";

    /// <summary>A minimal WAV file.</summary>
    private const string WavBase64 = "UklGRiYAAABXQVZFZm10IBAAAAABAAEAQB8AAAB9AAACABAAZGF0YQIAAAA=";

    private static readonly byte[] Png = Convert.FromBase64String(PngBase64);

    private static readonly byte[] Wav = Convert.FromBase64String(WavBase64);

    private static readonly JsonElement NoArguments = JsonDocument.Parse("""{ "type": "object", "properties": {} }""").RootElement;

    public string Name => "conformance";

    public void Register(CatalogBuilder catalog)
    {
        RegisterContentTools(catalog);
        RegisterInteractiveTools(catalog);
        RegisterElicitationTools(catalog);
        RegisterInputRequiredTools(catalog);
        RegisterTaskTools(catalog);
        RegisterResources(catalog);
        RegisterPrompts(catalog);
        RegisterCompletions(catalog);
        RegisterStatelessTools(catalog);
    }

    private static partial void RegisterContentTools(CatalogBuilder catalog);

    private partial void RegisterInteractiveTools(CatalogBuilder catalog);

    private static partial void RegisterElicitationTools(CatalogBuilder catalog);

    private static partial void RegisterInputRequiredTools(CatalogBuilder catalog);

    private static partial void RegisterResources(CatalogBuilder catalog);

    private static partial void RegisterPrompts(CatalogBuilder catalog);

    private static partial void RegisterCompletions(CatalogBuilder catalog);

    private static partial void RegisterStatelessTools(CatalogBuilder catalog);

    private static Tool NoArgumentTool(string name, string description) => new() { Name = name, Description = description, InputSchema = NoArguments };

    private static CallToolResult TextResult(string text) => new() { Content = [new TextContentBlock { Text = text }] };

    private static ValueTask<CallToolResult> Completed(CallToolResult result) => ValueTask.FromResult(result);
}
