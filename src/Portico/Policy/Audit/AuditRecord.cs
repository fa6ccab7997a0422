namespace Portico.Policy.Audit;

/// <summary>One <c>tools/call</c>: who, where, what, how it ended, how long it took. Searchable by request id, session, tenant, tool and time.</summary>
internal sealed class AuditRecord
{
    public long Id { get; set; }

    public DateTimeOffset At { get; set; }

    public required string RequestId { get; set; }

    public string? SessionId { get; set; }

    public string? UserId { get; set; }

    public string? CredentialId { get; set; }

    public string? TenantId { get; set; }

    public required string Tool { get; set; }

    /// <summary><c>ok</c>, <c>error</c>, or <c>input_required</c> (the round asked the client for input; the retry is its own record).</summary>
    public required string Outcome { get; set; }

    /// <summary>The envelope's code (e.g. <c>RATE_LIMITED</c>) when <see cref="Outcome"/> is <c>error</c>.</summary>
    public string? ErrorCode { get; set; }

    public long DurationMs { get; set; }

    public long ArgumentBytes { get; set; }

    /// <summary>The task the call ran as (the tasks extension); null for a call answered in its own response.</summary>
    public string? TaskId { get; set; }

    /// <summary>The W3C trace id of the call (32 hex digits), which its spans and log lines carry too; null when no trace was recorded.</summary>
    public string? TraceId { get; set; }

    /// <summary>The arguments as JSON with secret fields redacted.</summary>
    public string? Arguments { get; set; }
}
