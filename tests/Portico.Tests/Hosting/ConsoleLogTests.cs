using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Portico.Tasks;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Hosting;

/// <summary>The console log of a real <c>portico serve</c>: JSON lines on request, and warnings at start-up only for what an operator must act on.</summary>
public sealed class ConsoleLogTests
{
    [Fact]
    public async Task Json_format_writes_one_parseable_object_a_line_with_the_request_and_trace_scopes_and_warns_at_startup_only_of_the_new_key_file()
    {
        var directory = Path.Combine(Path.GetTempPath(), "portico-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        await using var server = await PorticoProcess.StartInAsync(directory, Path.Combine(directory, "portico.db"),
            // A SQLite store with its own key file, as a fresh install has (PostgreSQL runs share a key through the environment).
            new Dictionary<string, string?> { ["Portico__Logging__Format"] = "json", [TestStores.KeyEncryptionKeyVariable] = null });
        using var badKey = server.CreateClient("ptk_live_0123456789abcdef_notarealkeynotarealkeynotareal");
        var refused = await new McpHttp(badKey).PostAsync(McpHttp.Initialize(), cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, refused.Status);

        var line = await Eventually.ReturnsAsync(() => Task.FromResult(LogLines(server.Output).FirstOrDefault(l => l.GetProperty("EventId").GetInt32() == 410)),
            l => l.ValueKind == JsonValueKind.Object, "the JSON line of the refused credential");
        Assert.Equal("Information", line.GetProperty("LogLevel").GetString());
        Assert.Equal("Portico.Identity.Credentials", line.GetProperty("Category").GetString());
        Assert.StartsWith("Refused credential: ", line.GetProperty("Message").GetString(), StringComparison.Ordinal);
        var timestamp = line.GetProperty("Timestamp").GetString()!;
        Assert.EndsWith("Z", timestamp, StringComparison.Ordinal);
        Assert.True(DateTimeOffset.TryParse(timestamp, System.Globalization.CultureInfo.InvariantCulture, out _), timestamp);
        var scopes = line.GetProperty("Scopes").EnumerateArray().Where(s => s.ValueKind == JsonValueKind.Object).ToList();
        var requestIds = scopes.Where(s => s.TryGetProperty("RequestId", out _)).Select(s => s.GetProperty("RequestId").GetString()).ToList();
        Assert.Equal([refused.RequestId], requestIds);
        Assert.Matches("^[0-9a-f]{32}$", scopes.Single(s => s.TryGetProperty("TraceId", out _)).GetProperty("TraceId").GetString()!);

        // A fresh store on a fresh start: the one warning is the new key-encryption key file, which must be backed up.
        var warnings = LogLines(server.Output).Where(l => l.GetProperty("LogLevel").GetString() is "Warning" or "Error" or "Critical").ToList();
        var warning = Assert.Single(warnings);
        Assert.Equal("Portico.Security.KeyRingProtection", warning.GetProperty("Category").GetString());
        Assert.Contains("Back it up", warning.GetProperty("Message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_log_format_is_refused_with_a_hint()
    {
        var directory = Path.Combine(Path.GetTempPath(), "portico-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = directory };
        start.Environment["Portico__Logging__Format"] = "xml";
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "portico.dll"), "serve", "--urls", $"http://127.0.0.1:{LoopbackPort.Free()}", "--store", Path.Combine(directory, "portico.db") })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.Equal(2, process.ExitCode);
        Assert.Contains("error: the log format 'xml' is not known.", await error, StringComparison.Ordinal);
        Assert.Contains("hint: set Portico__Logging__Format", await error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_task_sweepers_query_draws_no_warning()
    {
        var capture = new LogCapture();
        await using var server = await PorticoTestServer.StartAsync(services: s => s.AddSingleton<ILoggerProvider>(capture));
        var before = capture.Entries.Count;
        await server.Services.GetRequiredService<TaskStore>().FindOrphansAsync(DateTimeOffset.UtcNow, TestContext.Current.CancellationToken);
        Assert.DoesNotContain(capture.Entries.Skip(before), e => e.Level >= LogLevel.Warning);
    }

    /// <summary>The lines of the output that are log lines: JSON objects (the banner and the "listening" lines are plain text).</summary>
    private static List<JsonElement> LogLines(string output)
        => [.. output.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("{\"", StringComparison.Ordinal)).Select(l => JsonDocument.Parse(l).RootElement)];
}
