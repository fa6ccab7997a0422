using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Portico.Catalog;
using Portico.Mcp;
using Portico.Storage;

namespace Portico.Toolsets;

/// <summary>
/// The toolsets as their endpoints serve them: read from the store on first use, dropped when a change arrives (from
/// this instance, another one or the CLI). A change also sends <c>notifications/tools/list_changed</c> to the sessions
/// this instance has served on that toolset's endpoint, so their clients list again.
/// </summary>
internal sealed partial class ToolsetRegistry : IDisposable
{
    /// <summary>Sessions remembered per instance; beyond this the oldest are forgotten (they still see the change at their next tools/list).</summary>
    private const int MaxTrackedSessions = 10_000;

    private readonly InvalidatingCache<string, ToolsetView?> _cache;
    private readonly ConcurrentDictionary<string, string> _sessionToolsets = new(StringComparer.Ordinal);
    private readonly McpSessionManager _sessions;
    private readonly ILogger<ToolsetRegistry> _logger;

    public ToolsetRegistry(StoreChanges changes, IServiceScopeFactory scopes, McpSessionManager sessions, ILogger<ToolsetRegistry> logger)
    {
        _sessions = sessions;
        _logger = logger;
        // Misses are not kept: anyone can make up names, and a toolset created later must be found at once.
        _cache = new InvalidatingCache<string, ToolsetView?>(changes, scopes, LoadAsync, StringComparer.Ordinal, keep: view => view is not null)
            .DropOn(ToolsetTopics.Toolsets, name => name);
        _cache.Dropped += (_, name) => NotifySessions(name);
    }

    /// <summary>The toolset named <paramref name="name"/>; null when there is none (or the name cannot be one).</summary>
    public async ValueTask<ToolsetView?> FindAsync(string name, CancellationToken cancellationToken)
        => ToolsetNames.IsValid(name) ? await _cache.GetAsync(name, cancellationToken) : null;

    /// <summary>Remembers that <paramref name="sessionId"/> used the toolset's endpoint, to tell it when the toolset changes.</summary>
    public void Served(string sessionId, string toolset)
    {
        if (_sessionToolsets.Count >= MaxTrackedSessions && !_sessionToolsets.ContainsKey(sessionId))
        {
            Prune();
        }

        _sessionToolsets[sessionId] = toolset;
    }

    public void Dispose() => _cache.Dispose();

    private static async Task<ToolsetView?> LoadAsync(IServiceProvider services, string name, CancellationToken cancellationToken)
        => await services.GetRequiredService<PorticoDbContext>().Set<ToolsetRecord>().AsNoTracking().FirstOrDefaultAsync(t => t.Name == name, cancellationToken) is { } record
            ? new ToolsetView(record.Name, record.TenantId, ToolsetAdmin.EntriesOf(record))
            : null;

    private void NotifySessions(string toolset)
    {
        var notified = 0;
        foreach (var (sessionId, served) in _sessionToolsets)
        {
            if (served != toolset)
            {
                continue;
            }

            if (_sessions.TryGetLive(sessionId, out var session) && !session.IsDisposed)
            {
                _ = session.NotifyToolsChangedAsync();
                notified++;
            }
            else
            {
                _sessionToolsets.TryRemove(sessionId, out _);
            }
        }

        LogChanged(_logger, toolset, notified);
    }

    /// <summary>Forgets sessions this instance no longer serves; if all are live, forgets them all (a bounded map over a complete one).</summary>
    private void Prune()
    {
        foreach (var sessionId in _sessionToolsets.Keys)
        {
            if (!_sessions.TryGetLive(sessionId, out var session) || session.IsDisposed)
            {
                _sessionToolsets.TryRemove(sessionId, out _);
            }
        }

        if (_sessionToolsets.Count >= MaxTrackedSessions)
        {
            _sessionToolsets.Clear();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Toolset {Toolset} changed; told {Sessions} session(s) on its endpoint to list its tools again")]
    private static partial void LogChanged(ILogger logger, string toolset, int sessions);
}
