namespace Portico.Policy.Approvals;

/// <summary>Settings of approval-gated calls, bound from <c>Portico:Approvals</c>.</summary>
internal sealed class ApprovalOptions
{
    public const string SectionName = "Portico:Approvals";

    /// <summary>How long a request waits for a decision; then it is expired and its call ends <c>APPROVAL_EXPIRED</c>.</summary>
    public TimeSpan Expiry { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How often every instance marks the pending approvals past their expiry as expired.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often a task waiting for a decision reads its approval.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(500);
}
