namespace Portico.Cli;

internal sealed record AuditOutput(
    DateTimeOffset At,
    string RequestId,
    string? SessionId,
    string? UserId,
    string? CredentialId,
    string? TenantId,
    string Tool,
    string Outcome,
    string? ErrorCode,
    long DurationMs,
    long ArgumentBytes,
    string? Arguments,
    string? TraceId);
