namespace Portico.Tasks;

/// <summary>A task's status as the extension names it on the wire (and as the store keeps it).</summary>
internal static class TaskStatuses
{
    public const string Working = "working";
    public const string InputRequired = "input_required";
    public const string Completed = "completed";
    public const string Failed = "failed";
    public const string Cancelled = "cancelled";

    /// <summary>The statuses a task never leaves.</summary>
    public static bool IsTerminal(string status) => status is Completed or Failed or Cancelled;

    /// <summary>The statuses of a task still in someone's hands (running, or waiting for the client's input).</summary>
    public static readonly string[] Active = [Working, InputRequired];
}
