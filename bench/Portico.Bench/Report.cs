using System.Globalization;
using System.Text;

namespace Portico.Bench;

/// <summary>The Markdown table of several load results and each one's throughput ratio to the baseline.</summary>
internal static class Report
{
    /// <summary>Above this much CPU used by other processes during a measurement, the report says the run was noisy.</summary>
    private const double NoisyCores = 0.2;

    public static int Run(CommandLine args)
    {
        var baselineName = args.Require("baseline");
        var results = args.GetAll("result").Select(Load).ToList();
        if (results.Count == 0)
        {
            throw new ArgumentException("give at least one --result NAME=FILE");
        }

        var baseline = results.FirstOrDefault(r => r.Name == baselineName)
            ?? throw new ArgumentException($"no --result named '{baselineName}'");
        Console.Out.Write(Render(results, baseline));
        return results.Any(r => r.Errors > 0 || r.Requests == 0) ? 1 : 0;
    }

    private static LoadResult Load(string spec)
    {
        var equals = spec.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0)
        {
            throw new ArgumentException($"--result expects NAME=FILE, got '{spec}'");
        }

        var result = LoadResult.FromJson(File.ReadAllText(spec[(equals + 1)..]));
        return result with { Name = spec[..equals] };
    }

    private static string Render(List<LoadResult> results, LoadResult baseline)
    {
        var culture = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine("| target | requests/s | p50 ms | p90 ms | p99 ms | errors | server CPU µs/call | other load (cores) |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in results)
        {
            text.AppendLine(culture, $"| {r.Name} | {r.RequestsPerSecond:0} | {r.P50Ms:0.000} | {r.P90Ms:0.000} | {r.P99Ms:0.000} | {r.Errors} | {Format(r.ServerCpuMicrosPerRequest, "0")} | {Format(r.OtherBusyCores, "0.00")} |");
        }

        text.AppendLine();
        if (results.Max(r => r.OtherBusyCores ?? 0) is var other and > NoisyCores)
        {
            text.AppendLine(culture, $"> **Noisy run:** other processes kept up to {other:0.00} cores busy while a target was measured (the last column); the servers and the load generator share the CPUs with them, so these numbers are low and the ratio is unreliable. Re-run on a quiet machine.");
            text.AppendLine();
        }

        foreach (var r in results.Where(r => !ReferenceEquals(r, baseline)))
        {
            var ratio = r.RequestsPerSecond / baseline.RequestsPerSecond;
            text.Append(culture, $"**Throughput {r.Name}/{baseline.Name}: {ratio:0.00}×**");
            if (r.ServerCpuMicrosPerRequest is { } mine && baseline.ServerCpuMicrosPerRequest is { } theirs && mine > 0)
            {
                text.Append(culture, $" (server CPU per call: {mine / theirs:0.0}× the baseline's)");
            }

            text.AppendLine(ratio >= 0.5 ? " — meets the ≥ 0.5× goal." : " — below the ≥ 0.5× goal.");
            text.AppendLine();
        }

        return text.ToString();
    }

    private static string Format(double? value, string format) => value?.ToString(format, CultureInfo.InvariantCulture) ?? "n/a";
}
