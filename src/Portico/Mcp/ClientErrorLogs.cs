using ModelContextProtocol;

namespace Portico.Mcp;

/// <summary>
/// The logger factory the MCP SDK's server gets. The SDK logs every JSON-RPC error a handler throws at Error and
/// Warning with its stack trace, so an unknown tool or bad params read like a server fault. A
/// <see cref="McpProtocolException"/> other than an internal error is the answer to the client's own mistake, already
/// in the response, the span and the audit record: it is written at Debug, one line, without the stack. Every other
/// exception (a real fault) is logged as the SDK wrote it.
/// </summary>
internal sealed class ClientErrorLogs(ILoggerFactory inner) : ILoggerFactory
{
    public ILogger CreateLogger(string categoryName) => new Logger(inner.CreateLogger(categoryName));

    public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

    // The host owns and disposes the inner factory.
    public void Dispose()
    {
    }

    internal static bool IsClientError(Exception? exception)
        => exception is McpProtocolException { ErrorCode: not McpErrorCode.InternalError };

    private sealed class Logger(ILogger inner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsClientError(exception))
            {
                inner.Log(logLevel, eventId, state, exception, formatter);
                return;
            }

            if (!inner.IsEnabled(LogLevel.Debug))
            {
                return;
            }

            var error = (McpProtocolException)exception!;
            var line = $"{formatter(state, null)} Answered the client with JSON-RPC error {(int)error.ErrorCode}: {Hosting.LogValue.Safe(error.Message)}";
            inner.Log(LogLevel.Debug, eventId, line, null, static (text, _) => text);
        }
    }
}
