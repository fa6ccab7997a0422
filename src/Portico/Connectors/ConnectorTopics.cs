using Portico.Storage;

namespace Portico.Connectors;

/// <summary>The store changes connectors raise; every instance rebuilds its connector tools on them.</summary>
internal static class ConnectorTopics
{
    /// <summary>A connector was added, reloaded or removed; subject: its name.</summary>
    public static readonly StoreTopic Connectors = new("connectors");
}
