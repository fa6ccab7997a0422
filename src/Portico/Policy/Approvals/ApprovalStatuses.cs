namespace Portico.Policy.Approvals;

/// <summary>An approval's status. Only <see cref="Pending"/> moves, once, by a conditional update in the store.</summary>
internal static class ApprovalStatuses
{
    public const string Pending = "pending";
    public const string Approved = "approved";
    public const string Denied = "denied";
    public const string Expired = "expired";

    /// <summary>The task waiting on it was cancelled before anyone decided.</summary>
    public const string Cancelled = "cancelled";
}
