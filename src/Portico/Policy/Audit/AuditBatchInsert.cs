using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Portico.Storage;

namespace Portico.Policy.Audit;

/// <summary>
/// Writes a batch of audit records with one prepared INSERT in one transaction. EF's change
/// tracker cost ~10 KB and tens of µs per row, which on a busy server made the audit the largest
/// CPU cost of a call (see bench/README.md).
/// </summary>
internal static class AuditBatchInsert
{
    private static readonly string[] Columns =
        ["at", "request_id", "session_id", "user_id", "credential_id", "tenant_id", "tool", "outcome", "error_code", "duration_ms", "argument_bytes", "arguments", "task_id", "trace_id"];

    private static readonly string Sql =
        $"INSERT INTO audit_records ({string.Join(", ", Columns)}) VALUES ({string.Join(", ", Columns.Select(c => "@" + c))})";

    public static async Task WriteAsync(PorticoDbContext db, IReadOnlyList<AuditRecord> batch, CancellationToken cancellationToken)
    {
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = Sql;
            var parameters = Columns.Select(c => AddParameter(command, "@" + c)).ToArray();
            foreach (var record in batch)
            {
                parameters[0].Value = record.At.ToUnixTimeMilliseconds();
                parameters[1].Value = record.RequestId;
                parameters[2].Value = (object?)record.SessionId ?? DBNull.Value;
                parameters[3].Value = (object?)record.UserId ?? DBNull.Value;
                parameters[4].Value = (object?)record.CredentialId ?? DBNull.Value;
                parameters[5].Value = (object?)record.TenantId ?? DBNull.Value;
                parameters[6].Value = record.Tool;
                parameters[7].Value = record.Outcome;
                parameters[8].Value = (object?)record.ErrorCode ?? DBNull.Value;
                parameters[9].Value = record.DurationMs;
                parameters[10].Value = record.ArgumentBytes;
                parameters[11].Value = (object?)record.Arguments ?? DBNull.Value;
                parameters[12].Value = (object?)record.TaskId ?? DBNull.Value;
                parameters[13].Value = (object?)record.TraceId ?? DBNull.Value;
                await command.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static DbParameter AddParameter(DbCommand command, string name)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        command.Parameters.Add(parameter);
        return parameter;
    }
}
