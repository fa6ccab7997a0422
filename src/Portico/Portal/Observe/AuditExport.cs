using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portico.Access;
using Portico.Hosting;
using Portico.Policy.Audit;
using Portico.Storage;

namespace Portico.Portal.Observe;

/// <summary>
/// <c>GET /portal/audit/export?format=csv|json&amp;…</c>: the audit search's calls as a download, newest first, with the
/// search page's filters and the viewer's scope. Streamed from the database row by row, capped at <see cref="Cap"/>
/// (the file says so when it was cut), and safe to open in a spreadsheet: a cell that would start a formula is quoted
/// with a leading apostrophe.
/// </summary>
internal static class AuditExport
{
    public const int Cap = 10_000;

    private static readonly string[] Columns =
        ["id", "at", "request_id", "session_id", "user_id", "credential_id", "tenant_id", "tool", "outcome", "error_code", "duration_ms", "argument_bytes", "task_id", "arguments", "trace_id"];

    public static IEndpointRouteBuilder MapPorticoAuditExport(this IEndpointRouteBuilder app)
    {
        app.MapGet("/portal/audit/export", ExportAsync).RequireAuthorization(AccessPolicies.PortalUser).WithMetadata(BrowserPage.Instance);
        return app;
    }

    private static async Task ExportAsync(HttpContext context, AuditSearch search, PorticoDbContext db, PortalViewer viewer, IBrowserRefusalPage refusal, TimeProvider time)
    {
        var cancellationToken = context.RequestAborted;
        var format = context.Request.Query["format"].ToString();
        if (format is not ("csv" or "json"))
        {
            await refusal.WriteAsync(context, StatusCodes.Status400BadRequest, $"'{Shorten(format)}' is not an export format.", "Ask for format=csv or format=json (the links on the audit page do).");
            return;
        }

        AuditFilter filter;
        try
        {
            filter = await AuditQuery.Read(context.Request.Query).ToFilterAsync(db, cancellationToken);
        }
        catch (AccessException ex)
        {
            await refusal.WriteAsync(context, StatusCodes.Status400BadRequest, ex.Message, ex.Hint);
            return;
        }

        var scope = await PortalAuditScope.OfAsync(viewer, cancellationToken);
        var records = search.Newest(filter, scope, Cap + 1).AsAsyncEnumerable();
        var name = $"portico-audit-{time.GetUtcNow().UtcDateTime.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}.{format}";
        context.Response.Headers.ContentDisposition = $"attachment; filename=\"{name}\"";
        context.Response.Headers["X-Portico-Export-Cap"] = Cap.ToString(CultureInfo.InvariantCulture);
        if (format == "csv")
        {
            context.Response.ContentType = "text/csv; charset=utf-8";
            await WriteCsvAsync(context.Response.Body, records, cancellationToken);
        }
        else
        {
            context.Response.ContentType = "application/json; charset=utf-8";
            await WriteJsonAsync(context.Response.Body, records, cancellationToken);
        }
    }

    private static async Task WriteCsvAsync(Stream body, IAsyncEnumerable<AuditRecord> records, CancellationToken cancellationToken)
    {
        await using var writer = new StreamWriter(body, new UTF8Encoding(false), bufferSize: 16 * 1024, leaveOpen: true);
        await writer.WriteAsync(string.Join(',', Columns) + "\r\n");
        var count = 0;
        await foreach (var record in records.WithCancellation(cancellationToken))
        {
            if (++count > Cap)
            {
                await writer.WriteAsync($"# cut at {Cap} calls: more match; narrow the search (a shorter time range) to export the rest\r\n");
                break;
            }

            await writer.WriteAsync(string.Join(',', Cells(record).Select(Cell)) + "\r\n");
        }

        await writer.FlushAsync(cancellationToken);
    }

    private static async Task WriteJsonAsync(Stream body, IAsyncEnumerable<AuditRecord> records, CancellationToken cancellationToken)
    {
        await using var json = new Utf8JsonWriter(body);
        json.WriteStartObject();
        json.WriteNumber("cap", Cap);
        json.WriteStartArray("calls");
        var count = 0;
        var truncated = false;
        await foreach (var record in records.WithCancellation(cancellationToken))
        {
            if (++count > Cap)
            {
                truncated = true;
                break;
            }

            json.WriteStartObject();
            json.WriteNumber("id", record.Id);
            json.WriteString("at", record.At.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture));
            json.WriteString("requestId", record.RequestId);
            json.WriteString("sessionId", record.SessionId);
            json.WriteString("userId", record.UserId);
            json.WriteString("credentialId", record.CredentialId);
            json.WriteString("tenantId", record.TenantId);
            json.WriteString("tool", record.Tool);
            json.WriteString("outcome", record.Outcome);
            json.WriteString("errorCode", record.ErrorCode);
            json.WriteNumber("durationMs", record.DurationMs);
            json.WriteNumber("argumentBytes", record.ArgumentBytes);
            json.WriteString("taskId", record.TaskId);
            json.WriteString("traceId", record.TraceId);
            // Stored as JSON already (redacted); kept a string so a damaged row cannot break the file.
            json.WriteString("arguments", record.Arguments);
            json.WriteEndObject();
            if (json.BytesPending > 16 * 1024)
            {
                await json.FlushAsync(cancellationToken);
            }
        }

        json.WriteEndArray();
        json.WriteBoolean("truncated", truncated);
        json.WriteEndObject();
        await json.FlushAsync(cancellationToken);
    }

    private static IEnumerable<string?> Cells(AuditRecord record) =>
    [
        record.Id.ToString(CultureInfo.InvariantCulture), record.At.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
        record.RequestId, record.SessionId, record.UserId, record.CredentialId, record.TenantId, record.Tool, record.Outcome, record.ErrorCode,
        record.DurationMs.ToString(CultureInfo.InvariantCulture), record.ArgumentBytes.ToString(CultureInfo.InvariantCulture), record.TaskId, record.Arguments, record.TraceId,
    ];

    /// <summary>
    /// One CSV cell, always quoted. A value a spreadsheet would run as a formula (=, +, -, @, tab, carriage return first)
    /// gets a leading apostrophe, so it is shown as text.
    /// </summary>
    public static string Cell(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        var text = value[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + value : value;
        return "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }

    private static string Shorten(string value) => value.Length > 40 ? value[..40] + "…" : value;
}
