namespace Portico.Mcp;

/// <summary>
/// Ends the open GET streams when the host stops. It runs as the host begins stopping its services — after
/// the <c>ApplicationStopping</c> callbacks, so after the drain delay (<see cref="Hosting.ShutdownDrain"/>)
/// and before Kestrel waits for open requests: without it, one client holding its standalone stream makes
/// every SIGTERM take the whole shutdown timeout.
/// </summary>
internal sealed class StandaloneStreamShutdown(McpSessionManager sessions) : IHostedLifecycleService
{
    public Task StoppingAsync(CancellationToken cancellationToken) => sessions.EndStreamsAsync();

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
