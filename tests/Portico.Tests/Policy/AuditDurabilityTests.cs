using System.Collections.Concurrent;
using System.Data.Common;
using System.Net;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Npgsql;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Policy;

/// <summary>
/// A client that got a <c>tools/call</c> result may rely on the call being in the audit trail, even if
/// the server dies the next instant: the result is released only after its record has committed.
/// </summary>
public sealed class AuditDurabilityTests
{
    private const int Calls = 160;
    private const int KillAfter = 100;

    [Fact]
    public async Task Every_acknowledged_call_is_in_the_audit_trail_after_SIGKILL()
    {
        var directory = Path.Combine(Path.GetTempPath(), "portico-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var store = await TestStores.CreateAsync(directory);
        try
        {
            var acknowledged = new ConcurrentQueue<string>();
            await using (var server = await PorticoProcess.StartInAsync(directory, store))
            {
                using var client = server.CreateClient(server.PrintedApiKey ?? throw new InvalidOperationException($"No demo key printed:\n{server.Output}"));
                var mcp = new McpHttp(client);
                var session = await mcp.InitializeAsync();
                var enough = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

                var calls = Enumerable.Range(0, Calls).Select(async i =>
                {
                    try
                    {
                        var response = await mcp.CallToolAsync(session, "ping", id: 100 + i);
                        if (response.Status == HttpStatusCode.OK && response.Messages.Any(m => m.ContainsKey("result")) && response.RequestId is { } requestId)
                        {
                            acknowledged.Enqueue(requestId);
                            if (acknowledged.Count >= KillAfter)
                            {
                                enough.TrySetResult();
                            }
                        }
                    }
                    catch (Exception ex) when (ex is HttpRequestException or IOException or OperationCanceledException or JsonException)
                    {
                        // In flight when the process died: never acknowledged, so nothing is owed.
                    }
                }).ToList();

                await enough.Task.WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
                await server.KillAsync();
                await Task.WhenAll(calls);
            }

            var recorded = await RequestIdsAsync(store);
            var missing = acknowledged.Where(id => !recorded.Contains(id)).ToList();
            Assert.True(missing.Count == 0, $"{missing.Count} of {acknowledged.Count} acknowledged calls are missing from the audit trail: {string.Join(", ", missing.Take(5))}");
            Assert.True(acknowledged.Count >= KillAfter);
        }
        finally
        {
            await TestStores.DropAsync(store);
            SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task<HashSet<string>> RequestIdsAsync(string store)
    {
        await using DbConnection connection = TestStores.IsPostgres(store) ? new NpgsqlConnection(store) : new SqliteConnection($"Data Source={store}");
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT request_id FROM audit_records";
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }
}
