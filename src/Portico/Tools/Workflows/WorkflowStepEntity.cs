using Portico.Catalog;

namespace Portico.Tools.Workflows;

/// <summary>
/// What happened to one step of a run: written <c>running</c> before the tool is called and <c>succeeded</c> or
/// <c>failed</c> after, so an instance that takes over a run knows which steps finished (never run again) and which
/// started without recording completion.
/// </summary>
internal sealed class WorkflowStepEntity : ITenantOwned
{
    public required string TenantId { get; set; }

    public required string RunId { get; set; }

    /// <summary>The step's place in the definition, from 0.</summary>
    public int StepIndex { get; set; }

    public required string StepName { get; set; }

    /// <summary>1 for the first call; every retry adds one.</summary>
    public int Attempt { get; set; }

    /// <summary>One of <see cref="StepStatuses"/>.</summary>
    public required string Status { get; set; }

    /// <summary>The tool's output (its structured content, or its text), as JSON text.</summary>
    public string? Output { get; set; }

    /// <summary>The last error ({code, message}), as JSON text.</summary>
    public string? Error { get; set; }

    public DateTimeOffset StartedAt { get; set; }

    public DateTimeOffset? FinishedAt { get; set; }
}
