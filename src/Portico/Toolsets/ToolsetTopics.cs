using Portico.Storage;

namespace Portico.Toolsets;

/// <summary>The store changes toolsets raise; every instance drops its copy and tells the toolset's sessions its tools changed.</summary>
internal static class ToolsetTopics
{
    /// <summary>A toolset was created, changed or deleted; subject: its name.</summary>
    public static readonly StoreTopic Toolsets = new("toolsets");
}
