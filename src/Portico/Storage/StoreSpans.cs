using System.Collections.Concurrent;
using System.Data.Common;
using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Portico.Telemetry;

namespace Portico.Storage;

/// <summary>
/// A client span per store command, after the OpenTelemetry semantic conventions for database spans: named
/// <c>{db.operation.name} {db.collection.name}</c>, with <c>db.system.name</c> (<c>sqlite</c> or <c>postgresql</c>).
/// The statement text is not recorded (it may hold values). One interceptor for both providers. Only a command run
/// inside a span (a request, an MCP message) gets one: a background sweep's queries would otherwise each start a trace.
/// </summary>
internal sealed partial class StoreSpans(StoreConnection store) : DbCommandInterceptor
{
    public const string SystemName = "db.system.name";
    public const string OperationName = "db.operation.name";
    public const string CollectionName = "db.collection.name";

    private readonly string _system = store.Provider == StoreProvider.Postgres ? "postgresql" : "sqlite";
    private readonly ConcurrentDictionary<Guid, Activity> _running = new();

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        Start(command, eventData);
        return result;
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result,
        CancellationToken cancellationToken = default)
    {
        Start(command, eventData);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        Start(command, eventData);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result,
        CancellationToken cancellationToken = default)
    {
        Start(command, eventData);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result)
    {
        Start(command, eventData);
        return result;
    }

    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<object> result,
        CancellationToken cancellationToken = default)
    {
        Start(command, eventData);
        return ValueTask.FromResult(result);
    }

    public override DbDataReader ReaderExecuted(DbCommand command, CommandExecutedEventData eventData, DbDataReader result)
    {
        Stop(eventData, null);
        return result;
    }

    public override ValueTask<DbDataReader> ReaderExecutedAsync(DbCommand command, CommandExecutedEventData eventData, DbDataReader result, CancellationToken cancellationToken = default)
    {
        Stop(eventData, null);
        return ValueTask.FromResult(result);
    }

    public override int NonQueryExecuted(DbCommand command, CommandExecutedEventData eventData, int result)
    {
        Stop(eventData, null);
        return result;
    }

    public override ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        Stop(eventData, null);
        return ValueTask.FromResult(result);
    }

    public override object? ScalarExecuted(DbCommand command, CommandExecutedEventData eventData, object? result)
    {
        Stop(eventData, null);
        return result;
    }

    public override ValueTask<object?> ScalarExecutedAsync(DbCommand command, CommandExecutedEventData eventData, object? result, CancellationToken cancellationToken = default)
    {
        Stop(eventData, null);
        return ValueTask.FromResult(result);
    }

    public override void CommandFailed(DbCommand command, CommandErrorEventData eventData) => Stop(eventData, eventData.Exception);

    public override Task CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Stop(eventData, eventData.Exception);
        return Task.CompletedTask;
    }

    public override void CommandCanceled(DbCommand command, CommandEndEventData eventData) => Stop(eventData, new OperationCanceledException());

    public override Task CommandCanceledAsync(DbCommand command, CommandEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Stop(eventData, new OperationCanceledException());
        return Task.CompletedTask;
    }

    /// <summary>The operation (<c>SELECT</c>, <c>INSERT</c>, …) and the first table a statement names, both low-cardinality; no values.</summary>
    internal static (string Operation, string? Collection) Describe(string sql)
    {
        var statement = StatementStart().Match(sql);
        if (!statement.Success)
        {
            return ("SQL", null);
        }

        var operation = statement.Groups["op"].Value.ToUpperInvariant();
        var table = FirstTable().Match(sql, statement.Index);
        return (operation, table.Success ? table.Groups["table"].Value : null);
    }

    private void Start(DbCommand command, CommandEventData eventData)
    {
        // The span's parent is the current one; without one (background work) no span is made.
        if (Activity.Current is null || !PorticoTelemetry.Source.HasListeners())
        {
            return;
        }

        var (operation, collection) = Describe(command.CommandText);
        var previous = Activity.Current;
        var span = PorticoTelemetry.Source.StartActivity(collection is null ? operation : $"{operation} {collection}", ActivityKind.Client);
        if (span is null)
        {
            return;
        }

        // Started, not made current: EF runs the command and reads its results in the caller's flow, whose current span stays the request's.
        Activity.Current = previous;
        span.SetTag(SystemName, _system);
        span.SetTag(OperationName, operation);
        if (collection is not null)
        {
            span.SetTag(CollectionName, collection);
        }

        if (!_running.TryAdd(eventData.CommandId, span))
        {
            span.Stop();
        }
    }

    private void Stop(CommandEndEventData eventData, Exception? failure)
    {
        if (!_running.TryRemove(eventData.CommandId, out var span))
        {
            return;
        }

        if (failure is not null)
        {
            span.SetTag(McpSpans.ErrorType, failure.GetType().FullName);
            span.SetStatus(ActivityStatusCode.Error);
        }

        var current = Activity.Current;
        span.Stop();
        Activity.Current = current;
    }

    // After EF's comments (TagWith): the statement's first keyword.
    [GeneratedRegex(@"^\s*(?:--[^\n]*\n\s*)*(?<op>[A-Za-z]+)", RegexOptions.CultureInvariant)]
    private static partial Regex StatementStart();

    [GeneratedRegex(@"\b(?:FROM|INTO|UPDATE|TABLE)\s+""?(?<table>[A-Za-z_][A-Za-z0-9_]*)""?", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex FirstTable();
}
