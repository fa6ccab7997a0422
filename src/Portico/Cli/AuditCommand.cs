using System.CommandLine;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Portico.Access;
using Portico.Policy.Audit;

namespace Portico.Cli;

/// <summary><c>portico audit</c>: answers "what happened to request X / in session Y / for tenant Z" from the audit trail.</summary>
internal static class AuditCommand
{
    public static Command Create()
    {
        var requestId = new Option<string?>("--request-id") { Description = "Only this request (the X-Request-Id a client or log shows, or an error text that carries it)." };
        var session = new Option<string?>("--session") { Description = "Only this Mcp-Session-Id." };
        var tenant = new Option<string?>("--tenant") { Description = "Only this tenant id." };
        var user = new Option<string?>("--user") { Description = "Only calls of this user (email or id)." };
        var tool = new Option<string?>("--tool") { Description = "Only this tool." };
        var errorCode = new Option<string?>("--error-code") { Description = "Only calls that ended with this error code (e.g. RATE_LIMITED)." };
        var since = new Option<string?>("--since") { Description = "Only records newer than this: 30m, 12h, 7d ago, or an ISO-8601 time." };
        var limit = new Option<int>("--limit") { Description = "At most this many records, newest first (default 100).", DefaultValueFactory = _ => 100 };
        return AdminCommand.Create("audit", "Search the audit trail of tool calls.", [requestId, session, tenant, user, tool, errorCode, since, limit], async (parse, cli, cancellationToken) =>
        {
            string? userId = null;
            if (parse.GetValue(user)?.Trim() is { Length: > 0 } who)
            {
                var email = who.ToLowerInvariant();
                userId = await cli.Db.Set<UserRecord>().AsNoTracking().Where(u => u.Email == email || u.Id == who).Select(u => u.Id).FirstOrDefaultAsync(cancellationToken)
                    ?? throw new AccessException($"No user '{who}'.", "Pass the email or id of an existing user (portico users list).");
            }

            var filter = new AuditFilter(
                RequestId: parse.GetValue(requestId) is { } r ? AuditSearch.RequestIdFrom(r) ?? r : null,
                SessionId: parse.GetValue(session),
                TenantId: parse.GetValue(tenant),
                UserId: userId,
                Tool: parse.GetValue(tool),
                ErrorCode: parse.GetValue(errorCode),
                From: Since(parse.GetValue(since), cli.Time.GetUtcNow()));
            var take = Math.Clamp(parse.GetValue(limit), 1, 10_000);
            var records = await new AuditSearch(cli.Db).Newest(filter, AuditScope.Everything, take).ToListAsync(cancellationToken);
            if (cli.Json)
            {
                await cli.WriteJsonAsync(records.Select(a => new AuditOutput(a.At, a.RequestId, a.SessionId, a.UserId, a.CredentialId, a.TenantId,
                    a.Tool, a.Outcome, a.ErrorCode, a.DurationMs, a.ArgumentBytes, a.Arguments, a.TraceId)).ToList(), CliJsonContext.Relaxed.ListAuditOutput);
                return;
            }

            if (records.Count == 0)
            {
                await cli.Output.WriteLineAsync("No audit records match.");
                return;
            }

            var table = new CliTable("TIME", "REQUEST", "SESSION", "TENANT", "TOOL", "OUTCOME", "MS", "ARG BYTES", "TRACE");
            foreach (var a in records)
            {
                table.Add(CliTable.When(a.At), a.RequestId, a.SessionId ?? "-", a.TenantId ?? "-", a.Tool, a.ErrorCode ?? a.Outcome,
                    a.DurationMs.ToString(CultureInfo.InvariantCulture), a.ArgumentBytes.ToString(CultureInfo.InvariantCulture), a.TraceId ?? "-");
            }

            await table.WriteAsync(cli.Output);
        });
    }

    private static DateTimeOffset? Since(string? value, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var text = value.Trim();
        if (text.Length > 1 && int.TryParse(text[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var amount))
        {
            switch (text[^1])
            {
                case 'm': return now.AddMinutes(-amount);
                case 'h': return now.AddHours(-amount);
                case 'd': return now.AddDays(-amount);
            }
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at)
            ? at
            : throw new AccessException($"'{value}' is not a time.", "Pass --since as 30m, 12h or 7d (ago), or an ISO-8601 time such as 2026-11-21T09:00:00Z.");
    }
}
