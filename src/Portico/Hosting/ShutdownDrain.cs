using Microsoft.Extensions.Options;

namespace Portico.Hosting;

/// <summary>Holds the host in "stopping but still serving" for <see cref="ShutdownOptions.DrainDelay"/>.</summary>
internal static partial class ShutdownDrain
{
    public static WebApplication UsePorticoShutdownDrain(this WebApplication app)
    {
        var delay = app.Services.GetRequiredService<IOptions<ShutdownOptions>>().Value.DrainDelay;
        if (delay > TimeSpan.Zero)
        {
            var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ShutdownDrain));
            // Stopping callbacks run before the server stops listening; blocking here is the point.
            app.Lifetime.ApplicationStopping.Register(() =>
            {
                LogDraining(logger, delay.TotalSeconds);
                Thread.Sleep(delay);
            });
        }

        return app;
    }

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Shutting down: /health/ready answers 503; still serving for {Seconds} s so the load balancer can move traffic")]
    private static partial void LogDraining(ILogger logger, double seconds);
}
