using Portico.Storage;

namespace Portico.Mcp;

/// <summary>The store changes the MCP transport raises and follows.</summary>
internal static class McpTopics
{
    /// <summary>A stored session changed (active group, sign-in, closed); subject: the session id.</summary>
    public static readonly StoreTopic Sessions = new("session");

    /// <summary>A client message waits in <c>relayed_answers</c> for the instance it belongs to; subject: the session id.</summary>
    public static readonly StoreTopic RelayedAnswers = new("relayed-answer");
}
