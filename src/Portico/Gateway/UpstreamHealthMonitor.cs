using System.Diagnostics;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Protocol;
using Portico.Catalog;
using Portico.Policy;
using Portico.Storage;
using Portico.Telemetry;

namespace Portico.Gateway;

/// <summary>
/// Loads the upstreams from the store (again whenever any instance or the CLI changes them) and
/// checks each one every interval with a timeout: a ping, plus a tools/list when its tools are
/// not known or changed. Checks run side by side, so one slow upstream never delays another. An
/// upstream that needs credentials is checked with the newest stored one it has not refused
/// (most such upstreams answer nothing, not even tools/list, without one), else without any.
/// An <c>oauth</c> upstream is checked with a user's unexpired access token when there is one (that
/// is how its tools get listed); without one the check can only prove it reachable — an HTTP 401
/// with its OAuth challenge counts as up — and its tools stay unknown until a user connects.
/// </summary>
internal sealed partial class UpstreamHealthMonitor(
    GatewayToolSource source,
    UpstreamClientPool pool,
    UpstreamCredentialCache credentials,
    McpCatalog catalog,
    StoreChanges changes,
    IServiceScopeFactory scopes,
    IOptionsMonitor<GatewayOptions> options,
    TimeProvider time,
    ILogger<UpstreamHealthMonitor> logger) : BackgroundService
{
    private readonly SemaphoreSlim _wake = new(0);
    private readonly string _instance = UpstreamHealthHistory.Instance();
    private readonly Dictionary<string, (UpstreamDefinition Definition, Task Task)> _firstChecks = new(StringComparer.Ordinal);
    private volatile bool _reload = true;
    private IDisposable? _subscription;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        catalog.AddSource(source);
        _subscription = changes.Subscribe(GatewayTopics.Upstreams, _ =>
        {
            _reload = true;
            _wake.Release();
        });
        await base.StartAsync(cancellationToken);
    }

    public override void Dispose()
    {
        _subscription?.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (_reload)
                {
                    _reload = false;
                    await ReloadAsync(stoppingToken);
                }

                await Task.WhenAll(source.Upstreams().Select(u => CheckOrStartFirstAsync(u, stoppingToken)));
                await pool.CloseIdleAsync();
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                LogCycleFailed(logger, ex);
            }

            try
            {
                // Sleeps one interval, or less when the upstreams changed.
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                var delay = Task.Delay(options.CurrentValue.HealthCheckInterval, time, wait.Token);
                await Task.WhenAny(delay, _wake.WaitAsync(wait.Token));
                await wait.CancelAsync();
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private async Task ReloadAsync(CancellationToken cancellationToken)
    {
        using var background = StoreMetrics.Background();
        await using var scope = scopes.CreateAsyncScope();
        var admin = scope.ServiceProvider.GetRequiredService<UpstreamAdmin>();
        await source.ApplyAsync(await admin.ListAsync(cancellationToken));
    }

    /// <summary>
    /// An upstream that has answered is checked within the cycle. Until it has, its check gets
    /// <see cref="GatewayOptions.FirstConnectTimeout"/> and runs on its own, so a slow first start (npx downloading) neither
    /// holds the other upstreams' checks nor is cut off and restarted; later cycles skip it while it is still running.
    /// </summary>
    private Task CheckOrStartFirstAsync(UpstreamDefinition upstream, CancellationToken stoppingToken)
    {
        var settings = options.CurrentValue;
        if (source.HasAnswered(upstream.Name))
        {
            return CheckAsync(upstream, settings.HealthCheckTimeout, stoppingToken);
        }

        lock (_firstChecks)
        {
            foreach (var done in _firstChecks.Where(c => c.Value.Task.IsCompleted).Select(c => c.Key).ToList())
            {
                _firstChecks.Remove(done);
            }

            if (!_firstChecks.TryGetValue(upstream.Name, out var running) || !ReferenceEquals(running.Definition, upstream))
            {
                var limit = TimeSpan.FromTicks(Math.Max(settings.FirstConnectTimeout.Ticks, settings.HealthCheckTimeout.Ticks));
                _firstChecks[upstream.Name] = (upstream, Task.Run(() => CheckAsync(upstream, limit, stoppingToken), stoppingToken));
            }
        }

        return Task.CompletedTask;
    }

    private async Task CheckAsync(UpstreamDefinition upstream, TimeSpan limit, CancellationToken stoppingToken)
    {
        var credential = upstream.NeedsCredential ? await FindCredentialAsync(upstream, stoppingToken) : null;
        // The session callers use: the shared one, or the one carrying this credential (its owner's), so a check costs no session of its own.
        using var lease = credential is null
            ? pool.Rent(upstream, upstream.NeedsCredential ? UpstreamClientPool.HealthIdentity : UpstreamClientPool.SharedIdentity, health: true)
            : pool.Rent(upstream, UpstreamClientPool.CredentialIdentity(credential), upstream.CredentialHeaderFor(credential), health: true);
        var connection = lease.Connection;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        timeout.CancelAfter(limit);
        var started = Stopwatch.GetTimestamp();
        try
        {
            var listed = source.NeedsToolList(upstream.Name)
                ? await connection.RunAsync(async (client, ct) => (UpstreamListing?)await UpstreamListing.FetchAsync(client, ct), timeout.Token)
                : await connection.RunAsync(async (client, ct) =>
                {
                    // 2026-07-28 removed ping; server/discover is the request every server of that revision answers.
                    if (upstream.IsStateless)
                    {
                        await client.SendRequestAsync<DiscoverRequestParams, DiscoverResult>(RequestMethods.ServerDiscover, new DiscoverRequestParams(),
                            McpJson.Options, cancellationToken: ct);
                    }
                    else
                    {
                        await client.PingAsync(cancellationToken: ct);
                    }

                    return (UpstreamListing?)null;
                }, timeout.Token);
            var elapsed = Stopwatch.GetElapsedTime(started);
            PorticoMetrics.RecordUpstreamCheck(upstream.Name, ok: true, elapsed);
            var latency = (long)elapsed.TotalMilliseconds;
            source.RecordSuccess(upstream, latency, listed);
            Subscribe(connection, upstream);
            await RecordAsync(upstream, true, latency, null, stoppingToken);
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            var error = ex is OperationCanceledException ? $"no answer within {limit.TotalSeconds:0.#} s" : ex.Message;
            if (upstream.CredentialMode == UpstreamDefinition.CredentialsOAuth && UpstreamUnauthorizedException.Find(ex) is not null)
            {
                // An OAuth challenge is the answer of a live upstream: reachable, its tools wait for a user's
                // token. The token is not marked: it may merely have expired, and its owner's next call refreshes it.
                var reachedIn = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                source.RecordSuccess(upstream, reachedIn, null);
                await connection.ResetAsync(CancellationToken.None);
                await RecordAsync(upstream, true, reachedIn, "reachable; answered 401 with its OAuth challenge (tools are listed with a user's token)", stoppingToken);
                return;
            }

            if (credential is not null && UpstreamUnauthorizedException.Find(ex) is { } unauthorized)
            {
                // The upstream's definitive answer about that secret: its owner is told at their next call, the next check tries another.
                await credentials.MarkInvalidAsync(credential, unauthorized.Message, CancellationToken.None);
            }

            PorticoMetrics.RecordUpstreamCheck(upstream.Name, ok: false, Stopwatch.GetElapsedTime(started));
            source.RecordFailure(upstream, error);
            // The next check starts from a fresh session rather than a half-dead one.
            await connection.ResetAsync(CancellationToken.None);
            await RecordAsync(upstream, false, null, error, stoppingToken);
        }
    }

    /// <summary>Adds the check to the upstream's history in the store; a failure to write it is logged, never the check's outcome.</summary>
    private async Task RecordAsync(UpstreamDefinition upstream, bool ok, long? latencyMs, string? error, CancellationToken stoppingToken)
    {
        try
        {
            using var background = StoreMetrics.Background();
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<UpstreamHealthHistory>().RecordAsync(upstream.Name, _instance, ok, latencyMs, error, stoppingToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            // Most often the upstream was removed meanwhile (its history went with it).
            LogHistoryNotWritten(logger, ex, upstream.Name);
        }
    }

    private async Task<UpstreamCredential?> FindCredentialAsync(UpstreamDefinition upstream, CancellationToken cancellationToken)
    {
        try
        {
            using var background = StoreMetrics.Background();
            await using var scope = scopes.CreateAsyncScope();
            var credential = await scope.ServiceProvider.GetRequiredService<UpstreamCredentialStore>().FindAnyValidAsync(upstream.Name, cancellationToken);
            // An expired access token would only be refused; the check then tests reachability alone.
            return credential is not null && upstream.CredentialMode == UpstreamDefinition.CredentialsOAuth
                && UpstreamOAuthTokens.Parse(credential.Secret).ExpiredAt(time.GetUtcNow()) ? null : credential;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Checked without a credential then; the failure is the upstream's to report.
            LogCredentialUnreadable(logger, ex, upstream.Name);
            return null;
        }
    }

    private readonly HashSet<UpstreamConnection> _subscribed = [];

    /// <summary>An upstream that announces a new tool list gets listed again at once.</summary>
    private void Subscribe(UpstreamConnection connection, UpstreamDefinition upstream)
    {
        lock (_subscribed)
        {
            if (!_subscribed.Add(connection))
            {
                return;
            }
        }

        connection.ToolsChanged += () =>
        {
            source.MarkToolsStale(upstream.Name);
            _wake.Release();
        };
    }

    [LoggerMessage(EventId = 1221, Level = LogLevel.Warning, Message = "Upstream {Upstream}: no stored credential could be read for its health check")]
    private static partial void LogCredentialUnreadable(ILogger logger, Exception exception, string upstream);

    [LoggerMessage(EventId = 1222, Level = LogLevel.Debug, Message = "Upstream {Upstream}: its health check could not be added to the history")]
    private static partial void LogHistoryNotWritten(ILogger logger, Exception exception, string upstream);

    [LoggerMessage(EventId = 1220, Level = LogLevel.Error, Message = "Upstream health cycle failed; retrying next interval")]
    private static partial void LogCycleFailed(ILogger logger, Exception exception);
}
