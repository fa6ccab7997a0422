using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Portico.Gateway;

/// <summary>What an upstream offers: its tools, and its prompts, resources and resource templates when it declares those capabilities.</summary>
internal sealed record UpstreamListing(IList<Tool> Tools, IList<Prompt> Prompts, IList<Resource> Resources, IList<ResourceTemplate> Templates)
{
    /// <summary>Lists everything, following the upstream's pagination.</summary>
    public static async Task<UpstreamListing> FetchAsync(McpClient client, CancellationToken cancellationToken)
    {
        var tools = (await client.ListToolsAsync(cancellationToken: cancellationToken)).Select(t => t.ProtocolTool).ToList();
        var capabilities = client.ServerCapabilities;
        var prompts = capabilities?.Prompts is null ? [] : (await client.ListPromptsAsync(cancellationToken: cancellationToken)).Select(p => p.ProtocolPrompt).ToList();
        var resources = capabilities?.Resources is null ? [] : (await client.ListResourcesAsync(cancellationToken: cancellationToken)).Select(r => r.ProtocolResource).ToList();
        var templates = capabilities?.Resources is null ? [] : (await client.ListResourceTemplatesAsync(cancellationToken: cancellationToken)).Select(t => t.ProtocolResourceTemplate).ToList();
        return new UpstreamListing(tools, prompts, resources, templates);
    }
}
