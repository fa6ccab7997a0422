namespace Portico.Tasks;

/// <summary>The names the tasks extension (SEP-2663, <c>io.modelcontextprotocol/tasks</c>) puts on the wire.</summary>
internal static class TaskProtocol
{
    public const string ExtensionId = "io.modelcontextprotocol/tasks";

    public const string Get = "tasks/get";

    /// <summary>Delivers the client's answers to a task's input requests.</summary>
    public const string Update = "tasks/update";

    public const string Cancel = "tasks/cancel";

    /// <summary>Sent when a task's status changes, to a client that can hear it.</summary>
    public const string StatusNotification = "notifications/tasks/status";

    /// <summary>The revision the extension builds on; earlier revisions have no per-request capabilities.</summary>
    public const string MinimumRevision = "2026-07-28";

    public static bool IsSupportedRevision(string? revision) => revision is not null && string.CompareOrdinal(revision, MinimumRevision) >= 0;

    /// <summary>Task ids Portico issues are this long; anything longer is not one (and is not looked up).</summary>
    public const int MaxTaskIdLength = 64;
}
