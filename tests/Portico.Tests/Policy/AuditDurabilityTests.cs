using System.Collections.Concurrent;
using System.Data.Common;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
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
    private const int Calls = 400;
    private const int KillAfter = 150;

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
                Task? killed = null;

                var calls = Enumerable.Range(0, Calls).Select(async i =>
                {
                    try
                    {
                        // 64 KB of arguments per record: batches take long enough to write that an audit written
                        // after the answer (Portico:Audit:Durability=async) visibly loses acknowledged calls.
                        var response = await mcp.CallToolAsync(session, "ping", new JsonObject { ["message"] = new string('x', 64_000) }, id: 100 + i);
                        if (response.Status == HttpStatusCode.OK && response.Messages.Any(m => m.ContainsKey("result")) && response.RequestId is { } requestId)
                        {
                            acknowledged.Enqueue(requestId);
                            if (acknowledged.Count == KillAfter)
                            {
                                // At once, on this thread: the last calls acknowledged are the ones an asynchronous audit has not written yet.
                                killed ??= server.KillAsync();
                            }
                        }
                    }
                    catch (Exception ex) when (ex is HttpRequestException or IOException or OperationCanceledException or JsonException)
                    {
                        // In flight when the process died: never acknowledged, so nothing is owed.
                    }
                }).ToList();

                await Task.WhenAll(calls);
                await (killed ?? server.KillAsync());
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
