using Portico.Storage;

namespace Portico.Policy.Approvals;

/// <summary>The store changes this feature raises and its cache follows.</summary>
internal static class ApprovalTopics
{
    /// <summary>A tenant's approval rules changed; subject: the tenant id.</summary>
    public static readonly StoreTopic Rules = new("approvals.rule");
}
