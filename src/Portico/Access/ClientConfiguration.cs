using System.Text.Json;

namespace Portico.Access;

/// <summary>
/// The client configuration shown beside a new API key (start-up's demo key, the portal's key page): the
/// <c>mcpServers</c> shape Claude, Cursor and the SDK examples read, with the key as a bearer header.
/// </summary>
internal static class ClientConfiguration
{
    public static string Json(string mcpUrl, string apiKey, string serverName = "portico")
        => JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["mcpServers"] = new Dictionary<string, object>
            {
                [serverName] = new Dictionary<string, object>
                {
                    ["type"] = "http",
                    ["url"] = mcpUrl,
                    ["headers"] = new Dictionary<string, string> { ["Authorization"] = $"Bearer {apiKey}" },
                },
            },
        }, ClientConfigurationJsonContext.Default.DictionaryStringObject);
}
