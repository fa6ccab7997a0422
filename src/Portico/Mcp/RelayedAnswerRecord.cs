namespace Portico.Mcp;

/// <summary>
/// A client message that belongs to a request another instance may hold (see <see cref="SessionRequestRelay"/>):
/// kept until the instance it belongs to takes it, or for <see cref="SessionRequestRelay.Expiry"/> at most.
/// </summary>
internal sealed class RelayedAnswerRecord
{
    public long Id { get; set; }

    public required string SessionId { get; set; }

    /// <summary><see cref="SessionRequestRelay.Answer"/> (a response to a server→client request) or <see cref="SessionRequestRelay.Cancellation"/>.</summary>
    public required string Kind { get; set; }

    /// <summary>The JSON-RPC id the message is about, as JSON (a string and a number never match).</summary>
    public required string RequestId { get; set; }

    public required string Message { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
