namespace Portico.Tools.Workflows;

/// <summary>Settings of the workflow engine, bound from <c>Portico:Workflows</c>.</summary>
internal sealed class WorkflowOptions
{
    public const string SectionName = "Portico:Workflows";

    /// <summary>
    /// How long an instance's claim on a run holds without renewal (renewed every third of it). A run whose lease ran out
    /// lost its instance and is continued by another from its last finished step.
    /// </summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often an idle engine looks for due runs (a run started on this instance is picked up at once).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Runs one instance works on at once.</summary>
    public int MaxConcurrentRuns { get; set; } = 16;

    /// <summary>The longest wait between two attempts of a step, however its backoff grows.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The largest step output kept (bytes of JSON); a larger one fails the step.</summary>
    public int MaxOutputBytes { get; set; } = 1024 * 1024;

    /// <summary>The largest webhook body accepted (bytes); checked before reading, chunked bodies included.</summary>
    public int WebhookMaxBodyBytes { get; set; } = 256 * 1024;

    /// <summary>How far a webhook's signed timestamp may be from now, either way; older deliveries are refused as replays.</summary>
    public TimeSpan WebhookTolerance { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Runs a group below the pro_plus plan may have queued or running at once; one more is refused with TIER_REQUIRED.</summary>
    public int ConcurrentRunsBelowProPlus { get; set; } = 5;
}
