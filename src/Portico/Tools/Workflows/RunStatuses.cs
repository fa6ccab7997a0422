namespace Portico.Tools.Workflows;

/// <summary>The statuses of a run. <c>waiting_approval</c>: a step's tool needs approval; no instance holds the run until it is decided.</summary>
internal static class RunStatuses
{
    public const string Queued = "queued";
    public const string Running = "running";
    public const string WaitingApproval = "waiting_approval";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
    public const string Cancelled = "cancelled";
    public const string TimedOut = "timed_out";

    public static readonly string[] All = [Queued, Running, WaitingApproval, Succeeded, Failed, Cancelled, TimedOut];

    public static readonly string[] Active = [Queued, Running, WaitingApproval];

    public static bool IsTerminal(string status) => Array.IndexOf(Active, status) < 0;
}
