namespace Portico.Security;

/// <summary>Why the outbound policy refused or cut short a request.</summary>
internal enum OutboundRefusal
{
    /// <summary>The scheme or every address of the host is outside the policy.</summary>
    NotAllowed,

    /// <summary>The host name does not resolve.</summary>
    Unresolved,

    /// <summary>The body is larger than the policy reads.</summary>
    TooLarge,

    /// <summary>No whole answer within the policy's time.</summary>
    TimedOut,
}
