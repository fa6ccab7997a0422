using ModelContextProtocol.Protocol;

namespace Portico.Catalog;

/// <summary>
/// The MCP session a call arrived in, as tools and the pipeline see it (the transport's session, <c>Mcp.LiveSession</c>,
/// implements it): its id, the group it works in, who signed it in, and a way to tell the client the tool list changed.
/// </summary>
internal interface ICallSession
{
    string Id { get; }

    /// <summary>The group (tenant) calls use when they name none, set by <c>set-active-group</c>.</summary>
    string? ActiveTenantId { get; set; }

    /// <summary>The user's sign-in attached by the <c>authenticate</c> tool, if any (see <c>Mcp.SessionAuthorizations</c>).</summary>
    SessionAuthorization? Authorization { get; set; }

    /// <summary>The client's name and version from <c>initialize</c>.</summary>
    Implementation? ClientInfo { get; }

    Task NotifyToolsChangedAsync();
}
