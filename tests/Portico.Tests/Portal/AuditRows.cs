using Microsoft.Extensions.DependencyInjection;
using Portico.Policy.Audit;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Portal;

/// <summary>
/// Audit records written the way the server writes them (its <see cref="AuditTrail"/>), for what MCP calls cannot make
/// cheaply: many rows for paging and the export cap, and hostile values a tool name or code could carry.
/// </summary>
internal static class AuditRows
{
    public static async Task AddAsync(PorticoTestServer server, params RecordSpec[] records)
    {
        var trail = server.Services.GetRequiredService<AuditTrail>();
        await Task.WhenAll(records.Select(r => trail.RecordAsync(new AuditRecord
        {
            At = r.At,
            RequestId = r.RequestId,
            SessionId = r.SessionId,
            UserId = r.UserId,
            TenantId = r.TenantId,
            Tool = r.Tool,
            Outcome = r.Outcome,
            ErrorCode = r.ErrorCode,
            Arguments = r.Arguments,
        }, CancellationToken.None)));
        await trail.FlushAsync(CancellationToken.None);
    }

    internal sealed record RecordSpec
    {
        public DateTimeOffset At { get; init; }

        public required string RequestId { get; init; }

        public string? SessionId { get; init; }

        public string? UserId { get; init; }

        public string? TenantId { get; init; }

        public string Tool { get; init; } = "ping";

        public string Outcome { get; init; } = "ok";

        public string? ErrorCode { get; init; }

        public string? Arguments { get; init; }
    }
}
