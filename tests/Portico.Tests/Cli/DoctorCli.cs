using System.CommandLine;
using System.Text.Json.Nodes;
using Portico.Cli;

namespace Portico.Tests.Cli;

/// <summary>Runs <c>portico doctor ARGS --json</c> in-process and reads its report.</summary>
internal static class DoctorCli
{
    public static async Task<(CliResult Result, JsonArray Checks)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await PorticoCommandLine.Create().Parse(["doctor", .. args, "--json"])
            .InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, TestContext.Current.CancellationToken);
        var result = new CliResult(exitCode, output.ToString(), error.ToString());
        return (result, result.Json["checks"]!.AsArray());
    }

    public static JsonObject Check(this JsonArray checks, string name)
        => checks.OfType<JsonObject>().SingleOrDefault(c => (string?)c["name"] == name)
            ?? throw new Xunit.Sdk.XunitException($"No check '{name}' in {checks.ToJsonString()}");

    public static string Status(this JsonArray checks, string name) => (string)checks.Check(name)["status"]!;

    /// <summary>Every check that is neither PASS nor SKIP, for a failure message that says what went wrong.</summary>
    public static string Problems(this JsonArray checks)
        => string.Join("\n", checks.OfType<JsonObject>().Where(c => (string?)c["status"] is "WARN" or "FAIL").Select(c => c.ToJsonString()));
}
