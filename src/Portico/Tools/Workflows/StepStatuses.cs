namespace Portico.Tools.Workflows;

/// <summary>The statuses of a run's step.</summary>
internal static class StepStatuses
{
    /// <summary>Started (an attempt is calling the tool); no completion recorded yet.</summary>
    public const string Running = "running";

    public const string Succeeded = "succeeded";

    /// <summary>Failed after its retries; with <c>continue_on_error</c> the run went on.</summary>
    public const string Failed = "failed";

    /// <summary>Its tool needs approval: the row holds the rendered arguments (output) and the approval id (error) until a decision.</summary>
    public const string WaitingApproval = "waiting_approval";
}
