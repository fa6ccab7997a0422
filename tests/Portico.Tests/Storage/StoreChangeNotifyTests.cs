using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Portico.Storage;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Storage;

/// <summary>How an instance learns of changes written elsewhere: LISTEN/NOTIFY on PostgreSQL, polling on SQLite.</summary>
public sealed class StoreChangeNotifyTests
{
    [Fact]
    public async Task A_change_written_by_another_process_is_raised_and_on_postgres_it_is_pushed()
    {
        await using var server = await PorticoTestServer.StartAsync();
        var store = server.Services.GetRequiredService<StoreConnection>();
        var listener = server.Services.GetServices<IHostedService>().OfType<StoreChangeListener>().Single();
        var raised = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = server.Services.GetRequiredService<StoreChanges>().Subscribe(new StoreTopic("test-topic"), subject => raised.TrySetResult(subject));

        var postgres = store.Provider == StoreProvider.Postgres;
        if (postgres)
        {
            await Eventually.AssertAsync(() => listener.IsListening, "the LISTEN connection came up");
        }
        else
        {
            Assert.False(listener.IsListening);
        }

        // Another process (here: plain SQL, as the CLI or another instance would write it) records a change.
        NpgsqlConnection? watcher = null;
        var notified = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (postgres)
        {
            watcher = new NpgsqlConnection(store.ConnectionString);
            await watcher.OpenAsync(TestContext.Current.CancellationToken);
            watcher.Notification += (_, e) => notified.TrySetResult(e.Payload);
            await using var listen = new NpgsqlCommand($"LISTEN {StoreChangeListener.Channel}", watcher);
            await listen.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }

        await using (var scope = server.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
            db.Set<StoreChangeRecord>().Add(new StoreChangeRecord { Topic = "test-topic", Subject = "from-elsewhere", At = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        }

        Assert.Equal("from-elsewhere", await raised.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
        if (watcher is not null)
        {
            // The trigger of migration 9 notified every listener with the change's id as it committed.
            await watcher.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
            Assert.Matches("^[0-9]+$", await notified.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
            await watcher.DisposeAsync();
        }
    }

}
