using Microsoft.Extensions.Logging;

namespace Portico.Tests.TestSupport;

/// <summary>One captured log line (<see cref="LogCapture"/>): <see cref="Line"/> is the message with its scopes.</summary>
internal sealed record LogEntry(LogLevel Level, string Category, EventId EventId, string Line, Exception? Exception);
