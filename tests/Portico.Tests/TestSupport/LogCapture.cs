using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Portico.Tests.TestSupport;

/// <summary>
/// Keeps every log line a server writes (message and scopes, as the console logger with scopes would print
/// them), for tests about what reaches the log. Register with <c>services.AddSingleton&lt;ILoggerProvider&gt;(capture)</c>;
/// the server's own level filters apply to it like to the console.
/// </summary>
internal sealed class LogCapture : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly ConcurrentQueue<LogEntry> _entries = new();
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public IReadOnlyCollection<string> Lines => _lines;

    /// <summary>The same lines with their level, category and exception (whose stack a console line would print).</summary>
    public IReadOnlyCollection<LogEntry> Entries => _entries;

    public long TotalChars => _lines.Sum(l => (long)l.Length);

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    private sealed class Logger(LogCapture owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => owner._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var line = new System.Text.StringBuilder();
            line.Append(logLevel).Append(' ').Append(category).Append(": ");
            owner._scopes.ForEachScope((scope, builder) => builder.Append("=> ").Append(scope).Append(' '), line);
            line.Append(formatter(state, exception));
            if (exception is not null)
            {
                line.Append(' ').Append(exception.Message);
            }

            owner._lines.Enqueue(line.ToString());
            owner._entries.Enqueue(new LogEntry(logLevel, category, eventId, line.ToString(), exception));
        }
    }
}
