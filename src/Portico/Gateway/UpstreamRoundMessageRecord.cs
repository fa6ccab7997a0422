namespace Portico.Gateway;

/// <summary>
/// A message of an input round between instances (see <see cref="UpstreamInputRounds"/>): a client's answers for the
/// instance holding the upstream call, or that call's next step for the instance the client waits on. Taken (deleted)
/// by the instance it is for; left-overs go after <see cref="UpstreamInputRounds.MessageExpiry"/>.
/// </summary>
internal sealed class UpstreamRoundMessageRecord
{
    public long Id { get; set; }

    public required string RoundId { get; set; }

    /// <summary><see cref="UpstreamInputRounds.AnswerKind"/> or <see cref="UpstreamInputRounds.StepKind"/>.</summary>
    public required string Kind { get; set; }

    public required string Message { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
