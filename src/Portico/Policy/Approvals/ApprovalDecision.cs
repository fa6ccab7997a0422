namespace Portico.Policy.Approvals;

/// <summary>How a decision on an approval ended.</summary>
internal enum ApprovalDecision
{
    /// <summary>This decision moved it from pending.</summary>
    Decided,

    /// <summary>No approval with this id that the decider may decide (unknown, or another tenant's): the same answer for both.</summary>
    NotFound,

    /// <summary>It was decided already, expired or cancelled: nothing changed.</summary>
    AlreadyDecided,
}
