namespace Portico.Tools.Workflows;

/// <summary>The statuses of a run's step.</summary>
internal static class StepStatuses
{
    /// <summary>Started (an attempt is calling the tool); no completion recorded yet.</summary>
    public const string Running = "running";

    public const string Succeeded = "succeeded";

    /// <summary>Failed after its retries; with <c>continue_on_error</c> the run went on.</summary>
    public const string Failed = "failed";
}
