namespace Portico.Mcp;

/// <summary>What asking to end a session came to.</summary>
internal enum SessionEnd
{
    Ended,

    /// <summary>No open session has that id (never existed, expired, or already ended).</summary>
    NotFound,

    /// <summary>It is another user's session and the one asking is not an administrator: nothing was ended.</summary>
    NotYours,
}
