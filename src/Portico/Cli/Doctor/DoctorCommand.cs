using System.CommandLine;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Portico.Cli.Doctor;

/// <summary>
/// <c>portico doctor URL</c>: walks the troubleshooting checklist against an MCP endpoint over HTTP and prints each
/// check's verdict with its cause and fix. Exit code 1 when a check fails, 2 for unusable arguments, else 0.
/// </summary>
internal static class DoctorCommand
{
    public const int Failed = 1;
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(20);
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Command Create(TimeProvider? time = null)
    {
        var url = new Argument<string>("url") { Description = "The MCP endpoint a client is configured with, e.g. https://mcp.example.com/mcp." };
        var token = new Option<string?>("--token") { Description = "The API key or OAuth access token the client sends (also PORTICO_DOCTOR_TOKEN)." };
        var tool = new Option<string?>("--tool") { Description = "Also check that this tool exists and is available to the credential." };
        var bundle = new Option<string?>("--bundle") { Description = "Write a support bundle to this file: every request and answer with secrets redacted, timestamps and the session id." };
        var json = PorticoCommandLine.JsonOption();
        var command = new Command("doctor", "Diagnose an MCP endpoint (Portico or any other): network, TLS, path, discovery, credential, handshake, tools, health.");
        command.Arguments.Add(url);
        command.Options.Add(token);
        command.Options.Add(tool);
        command.Options.Add(bundle);
        command.Options.Add(json);
        command.SetAction((parse, cancellationToken) => RunAsync(parse, parse.GetValue(url)!, parse.GetValue(token) ?? Environment.GetEnvironmentVariable("PORTICO_DOCTOR_TOKEN"),
            parse.GetValue(tool), parse.GetValue(bundle), parse.GetValue(json), time ?? TimeProvider.System, cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parse, string url, string? token, string? tool, string? bundle, bool json, TimeProvider time, CancellationToken cancellationToken)
    {
        var output = parse.InvocationConfiguration.Output;
        var error = parse.InvocationConfiguration.Error;
        if (!Uri.TryCreate(url.Trim(), UriKind.Absolute, out var endpoint) || endpoint.Scheme is not ("http" or "https"))
        {
            await error.WriteLineAsync($"error: '{url}' is not an http(s) URL.");
            await error.WriteLineAsync("hint: Pass the MCP endpoint exactly as the client is configured, e.g. https://mcp.example.com/mcp or http://127.0.0.1:5000/mcp.");
            return AdminCommand.Refused;
        }

        var started = time.GetUtcNow();
        using var handler = new SocketsHttpHandler { AllowAutoRedirect = false, ConnectTimeout = TimeSpan.FromSeconds(10), UseCookies = false };
        using var client = new HttpClient(handler) { Timeout = RequestTimeout };
        var http = new DoctorHttp(client, time, token);
        var run = new DoctorRun(http, time, token, string.IsNullOrWhiteSpace(tool) ? null : tool.Trim());
        await run.RunAsync(endpoint, cancellationToken);

        // What the server answered can echo the credential; details are redacted as the bundle's exchanges are.
        List<DoctorCheck> checks = [.. run.Checks.Select(c => c with
        {
            Detail = DoctorRedaction.Text(c.Detail, http.Secrets),
            Cause = c.Cause is null ? null : DoctorRedaction.Text(c.Cause, http.Secrets),
            Fix = c.Fix is null ? null : DoctorRedaction.Text(c.Fix, http.Secrets),
        })];
        var report = Report(endpoint, run, checks, started);
        if (json)
        {
            await output.WriteLineAsync(report.ToJsonString(Indented));
        }
        else
        {
            await WriteTextAsync(output, endpoint, run, checks);
        }

        if (bundle is not null)
        {
            report["exchanges"] = http.Exchanges;
            report["finishedAt"] = Timestamp(time.GetUtcNow());
            try
            {
                await File.WriteAllTextAsync(bundle, report.ToJsonString(Indented), cancellationToken);
                await error.WriteLineAsync($"Support bundle written to {Path.GetFullPath(bundle)} (secrets redacted; read it before you send it).");
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                await error.WriteLineAsync($"error: cannot write the support bundle '{bundle}': {ex.Message}");
                await error.WriteLineAsync("hint: Pass --bundle a file path in a directory that exists and you may write.");
                return AdminCommand.Refused;
            }
        }

        return run.Checks.Any(c => c.Status == DoctorStatus.Fail) ? Failed : 0;
    }

    private static JsonObject Report(Uri endpoint, DoctorRun run, List<DoctorCheck> checks, DateTimeOffset started)
    {
        var list = new JsonArray();
        foreach (var check in checks)
        {
            list.Add(new JsonObject
            {
                ["name"] = check.Name,
                ["status"] = Label(check.Status),
                ["detail"] = check.Detail,
                ["cause"] = check.Cause,
                ["fix"] = check.Fix,
            });
        }

        return new JsonObject
        {
            ["url"] = endpoint.ToString(),
            ["endpoint"] = run.Endpoint?.ToString(),
            ["sessionId"] = run.SessionId,
            ["startedAt"] = Timestamp(started),
            ["passed"] = checks.Count(c => c.Status == DoctorStatus.Pass),
            ["warnings"] = checks.Count(c => c.Status == DoctorStatus.Warn),
            ["failed"] = checks.Count(c => c.Status == DoctorStatus.Fail),
            ["checks"] = list,
        };
    }

    private static async Task WriteTextAsync(TextWriter output, Uri endpoint, DoctorRun run, List<DoctorCheck> checks)
    {
        await output.WriteLineAsync($"portico doctor {endpoint}");
        var width = checks.Count == 0 ? 0 : checks.Max(c => c.Name.Length);
        foreach (var check in checks)
        {
            await output.WriteLineAsync($"{Label(check.Status),-4}  {check.Name.PadRight(width)}  {check.Detail}");
            if (check.Cause is not null)
            {
                await output.WriteLineAsync($"{"",6}{"".PadRight(width)}  cause: {check.Cause}");
            }

            if (check.Fix is not null)
            {
                await output.WriteLineAsync($"{"",6}{"".PadRight(width)}  fix: {check.Fix}");
            }
        }

        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"{run.Checks.Count(c => c.Status == DoctorStatus.Pass)} passed, {run.Checks.Count(c => c.Status == DoctorStatus.Warn)} warnings, {run.Checks.Count(c => c.Status == DoctorStatus.Fail)} failed{(run.SessionId is null ? "" : $"; session {run.SessionId}")}"));
    }

    private static string Label(DoctorStatus status) => status.ToString().ToUpperInvariant();

    private static string Timestamp(DateTimeOffset at) => at.ToString("O", CultureInfo.InvariantCulture);
}
