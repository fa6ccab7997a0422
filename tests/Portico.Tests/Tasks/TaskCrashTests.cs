using System.Text.Json.Nodes;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Tasks;

/// <summary>A task running when its process is SIGKILLed ends failed with the reason, read from the next process.</summary>
public sealed class TaskCrashTests
{
    [Fact]
    public async Task A_task_running_when_its_process_is_killed_ends_failed_with_the_reason()
    {
        var directory = Path.Combine(Path.GetTempPath(), "portico-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var store = await TestStores.CreateAsync(directory);
        var environment = new Dictionary<string, string?>
        {
            ["Portico__Tasks__LeaseDuration"] = "00:00:03",
            ["Portico__Tasks__SweepInterval"] = "00:00:01",
        };
        try
        {
            string taskId;
            int port;
            await using (var first = await PorticoProcess.StartInAsync(directory, store, environment, null, "--conformance"))
            {
                port = first.BaseAddress.Port;
                using var client = first.CreateClient();
                taskId = await new TaskCalls(client).StartAsync("slow_compute", new JsonObject { ["seconds"] = 600 });
                await first.KillAsync();
            }

            await using var second = await PorticoProcess.StartInAsync(directory, store, environment, port, "--conformance");
            using var client2 = second.CreateClient();
            var calls = new TaskCalls(client2);
            var failed = await calls.UntilAsync(taskId, "failed");
            Assert.Contains("stopped before it finished; run it again", (string?)failed["error"]!["message"], StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
