using System.Text.RegularExpressions;

namespace Portico.Hosting;

/// <summary>
/// The route patterns of the MCP endpoints and the canonical spelling of the resources they serve (the RFC 8707
/// audiences of access tokens). Routing decides which endpoint serves a request, and the endpoint's metadata decides
/// who may call it; these strings only spell resources, they never decide access.
/// </summary>
internal static partial class McpResources
{
    public const string RootPattern = "/mcp";

    public const string TenantPattern = "/{tenantId:regex(^[0-9a-f]{{24}}$)}/mcp";

    public const string VendorPattern = "/vendors/{vendor}/mcp";

    public const string ToolsetPattern = "/toolsets/{toolset}/mcp";

    /// <summary>Whether <paramref name="path"/> is exactly the canonical path of an MCP resource of this server (lower case, no trailing slash).</summary>
    public static bool IsResourcePath(string path) => ResourcePath().IsMatch(path);

    // \z, not $: a resource must not end in a newline.
    [GeneratedRegex(@"^/(?:mcp|[0-9a-f]{24}/mcp|vendors/[a-z0-9][a-z0-9_-]{0,31}/mcp|toolsets/[a-z0-9][a-z0-9_-]{0,31}/mcp)\z", RegexOptions.CultureInvariant)]
    private static partial Regex ResourcePath();
}
