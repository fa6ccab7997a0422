namespace Portico.Bench;

/// <summary>
/// <c>portico-bench load|bare|report</c>: the load generator, the bare Kestrel baseline and the
/// Markdown report. bench/run.sh drives all three; see bench/README.md.
/// </summary>
public static class Program
{
    private const string Usage = """
        usage:
          portico-bench load   --url URL [--name NAME] [--connections 32] [--duration 10] [--warmup 5]
                               [--tool ping] [--arguments {}] [--header "Name: value" ...]
                               [--protocol 2025-11-25|2026-07-28] [--server-pid PID] [--gc-url URL] [--out result.json]
          portico-bench bare   --urls http://127.0.0.1:PORT --template-from PORTICO_MCP_URL
                               [--tool ping] [--arguments {}] [--header "Name: value" ...] [--dump DIR]
          portico-bench report --baseline NAME --result NAME=FILE [--result NAME=FILE ...]
        """;

    public static async Task<int> Main(string[] args)
    {
        if (args.Length == 0)
        {
            await Console.Error.WriteLineAsync(Usage);
            return 2;
        }

        try
        {
            var options = CommandLine.Parse(args.AsSpan(1));
            return args[0] switch
            {
                "load" => await LoadGenerator.RunAsync(LoadOptions.From(options)),
                "bare" => await BareServer.RunAsync(options),
                "report" => Report.Run(options),
                _ => throw new ArgumentException($"unknown mode '{args[0]}'"),
            };
        }
        catch (ArgumentException ex)
        {
            await Console.Error.WriteLineAsync($"error: {ex.Message}");
            await Console.Error.WriteLineAsync(Usage);
            return 2;
        }
        catch (Exception ex) when (ex is HttpRequestException or InvalidOperationException or OperationCanceledException or IOException)
        {
            // The server is not there, refused the handshake, or answered something unusable.
            await Console.Error.WriteLineAsync($"error: {args[0]}: {ex.Message}");
            return 1;
        }
    }
}
