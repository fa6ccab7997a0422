using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;

namespace Portico.Bench;

internal sealed record LoadOptions(
    Uri Url, string Name, int Connections, TimeSpan Duration, TimeSpan Warmup, CallBody Body, string Tool, bool Stateless,
    IReadOnlyList<KeyValuePair<string, string>> Headers, int? ServerPid, Uri? GcUrl, string? Out)
{
    public static LoadOptions From(CommandLine args)
    {
        var url = Uri.TryCreate(args.Require("url"), UriKind.Absolute, out var parsed) ? parsed
            : throw new ArgumentException("--url must be an absolute URL such as http://127.0.0.1:8080/mcp");
        var tool = args.Get("tool") ?? "ping";
        var stateless = (args.Get("protocol") ?? McpWire.ProtocolVersion) switch
        {
            McpWire.ProtocolVersion => false,
            McpWire.StatelessProtocolVersion => true,
            var other => throw new ArgumentException($"--protocol must be {McpWire.ProtocolVersion} (sessions) or {McpWire.StatelessProtocolVersion} (stateless), got '{other}'"),
        };
        CallBody body;
        try
        {
            body = new CallBody(tool, args.Get("arguments") ?? "{}", stateless);
        }
        catch (JsonException ex)
        {
            throw new ArgumentException($"--arguments is not valid JSON: {ex.Message}", ex);
        }

        return new LoadOptions(
            url,
            args.Get("name") ?? url.Authority,
            args.GetInt("connections", 32),
            TimeSpan.FromSeconds(args.GetDouble("duration", 10)),
            TimeSpan.FromSeconds(args.GetDouble("warmup", 5)),
            body,
            tool,
            stateless,
            args.GetHeaders(),
            args.Get("server-pid") is { } pid ? int.Parse(pid, CultureInfo.InvariantCulture) : null,
            args.Get("gc-url") is { } gc ? new Uri(gc) : null,
            args.Get("out"));
    }
}

/// <summary>
/// N workers, each with its own HTTP/1.1 keep-alive connection and its own MCP session (none with
/// <c>--protocol 2026-07-28</c>: every call then carries its own <c>_meta</c> and headers), send
/// tools/call back to back (closed loop). After the warm-up, every completed call's latency is
/// stored; throughput is the calls completed inside the measured window divided by its length.
/// </summary>
internal static class LoadGenerator
{
    private const int Warmup = 0;
    private const int Measuring = 1;
    private const int Stopped = 2;

    public static async Task<int> RunAsync(LoadOptions options)
    {
        var log = Console.Error;
        await log.WriteLineAsync($"[{options.Name}] {options.Connections} connections to {options.Url}, warm-up {options.Warmup.TotalSeconds:0.#} s, measuring {options.Duration.TotalSeconds:0.#} s, tools/call {options.Tool}, {(options.Stateless ? $"protocol {McpWire.StatelessProtocolVersion} (no session)" : $"protocol {McpWire.ProtocolVersion} (one session per connection)")}");
        var state = new RunState();
        var workers = Enumerable.Range(0, options.Connections).Select(_ => new Worker(options, state)).ToArray();
        try
        {
            using (var setup = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
            {
                await Task.WhenAll(workers.Select(w => w.ConnectAsync(setup.Token)));
            }

            var running = workers.Select(w => Task.Run(w.RunAsync)).ToArray();
            await Task.Delay(options.Warmup);

            using var gcClient = new HttpClient();
            var gcStart = await ServerGc.ReadAsync(gcClient, options.GcUrl);
            var machineStart = ProcessCpu.ReadMachineBusy();
            var serverCpuStart = ProcessCpu.Read(options.ServerPid);
            var selfCpuStart = Process.GetCurrentProcess().TotalProcessorTime;
            var selfGcStart = GC.CollectionCount(0);
            var start = Stopwatch.GetTimestamp();
            Volatile.Write(ref state.Phase, Measuring);
            await Task.Delay(options.Duration);
            Volatile.Write(ref state.Phase, Stopped);
            var end = Stopwatch.GetTimestamp();
            var serverCpu = ProcessCpu.Read(options.ServerPid) - serverCpuStart;
            var machineBusy = ProcessCpu.ReadMachineBusy() - machineStart;
            var selfCpu = Process.GetCurrentProcess().TotalProcessorTime - selfCpuStart;
            var selfGcs = GC.CollectionCount(0) - selfGcStart;
            await Task.WhenAll(running);
            var gcEnd = await ServerGc.ReadAsync(gcClient, options.GcUrl);

            var window = Stopwatch.GetElapsedTime(start, end);
            var result = Summarize(options, workers, window, serverCpu, selfCpu) with
            {
                TotalCalls = workers.Sum(w => w.Completed),
                // Cores busy with anything but this server and this generator: other load on the machine skews the run.
                OtherBusyCores = machineBusy is { } busy && serverCpu is { } server ? (busy - server - selfCpu) / window : null,
            };
            await log.WriteLineAsync(result.Describe() + $", generator gen0 GCs {selfGcs}");
            if (gcStart is { } before && gcEnd is { } after && result.Requests > 0)
            {
                // Includes the calls still in flight when the window closed: a slight overestimate.
                await log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"[{options.Name}] server allocated {(after.Allocated - before.Allocated) / (double)result.Requests / 1024:0.0} KB/call; GCs gen0 {after.Gen0 - before.Gen0}, gen1 {after.Gen1 - before.Gen1}, gen2 {after.Gen2 - before.Gen2}"));
            }

            foreach (var error in workers.SelectMany(w => w.ErrorSamples).Take(5))
            {
                await log.WriteLineAsync($"[{options.Name}]   error: {error}");
            }

            if (options.Out is { } path)
            {
                await File.WriteAllTextAsync(path, result.ToJson());
            }

            return result.Requests > 0 ? 0 : 1;
        }
        finally
        {
            foreach (var worker in workers)
            {
                worker.Dispose();
            }
        }
    }

    private static LoadResult Summarize(LoadOptions options, Worker[] workers, TimeSpan window, TimeSpan? serverCpu, TimeSpan selfCpu)
    {
        var count = workers.Sum(w => w.Count);
        var all = new long[count];
        var offset = 0;
        foreach (var worker in workers)
        {
            Array.Copy(worker.Latencies, 0, all, offset, worker.Count);
            offset += worker.Count;
        }

        Array.Sort(all);
        double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
        double Percentile(double p) => count == 0 ? double.NaN : Ms(all[Math.Clamp((int)Math.Ceiling(p / 100 * count) - 1, 0, count - 1)]);
        var mean = count == 0 ? double.NaN : Ms(all.Sum()) / count;
        return new LoadResult(
            options.Name,
            options.Url.ToString(),
            options.Connections,
            window.TotalSeconds,
            count,
            count / window.TotalSeconds,
            Percentile(50),
            Percentile(90),
            Percentile(99),
            count == 0 ? double.NaN : Ms(all[^1]),
            mean,
            workers.Sum(w => w.Errors),
            workers.Sum(w => w.WarmupErrors),
            serverCpu is { } cpu && count > 0 ? cpu.TotalMicroseconds / count : null,
            count > 0 ? selfCpu.TotalMicroseconds / count : null);
    }

    private sealed class RunState
    {
        public int Phase = Warmup;
    }

    private sealed class Worker(LoadOptions options, RunState state) : IDisposable
    {
        private const int MaxErrorSamples = 3;

        private readonly HttpClient _client = McpWire.CreateClient(options.Headers);
        private readonly List<string> _errorSamples = [];
        private byte[] _buffer = new byte[16 * 1024];
        private long _nextId = 1;

        public long[] Latencies { get; private set; } = new long[16 * 1024];

        public int Count { get; private set; }

        public int Errors { get; private set; }

        public int WarmupErrors { get; private set; }

        /// <summary>Calls answered (successfully or not) over the whole run, warm-up included.</summary>
        public long Completed { get; private set; }

        public IReadOnlyList<string> ErrorSamples => _errorSamples;

        /// <summary>A session client's handshake; a 2026-07-28 client has none and only sets its headers.</summary>
        public Task ConnectAsync(CancellationToken cancellationToken)
        {
            if (!options.Stateless)
            {
                return McpWire.HandshakeAsync(_client, options.Url, cancellationToken);
            }

            McpWire.UseStatelessHeaders(_client, options.Tool);
            return Task.CompletedTask;
        }

        public async Task RunAsync()
        {
            while (Volatile.Read(ref state.Phase) != Stopped)
            {
                var id = _nextId++;
                var started = Stopwatch.GetTimestamp();
                var problem = await CallAsync(id);
                var latency = Stopwatch.GetTimestamp() - started;
                Completed++;
                switch (Volatile.Read(ref state.Phase))
                {
                    case Measuring when problem is null:
                        Record(latency);
                        break;
                    case Measuring:
                        Errors++;
                        Sample(problem);
                        break;
                    case Warmup when problem is not null:
                        WarmupErrors++;
                        Sample("(warm-up) " + problem);
                        break;
                    default:
                        break;
                }

                if (problem is not null)
                {
                    await Task.Delay(10); // a failing server must not turn the generator into a spin loop
                }
            }
        }

        private async Task<string?> CallAsync(long id)
        {
            try
            {
                using var request = McpWire.Post(options.Url, options.Body.Build(id));
                using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
                var length = await ReadBodyAsync(response.Content);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    return $"HTTP {(int)response.StatusCode}: {System.Text.Encoding.UTF8.GetString(_buffer, 0, Math.Min(length, 300))}";
                }

                return McpWire.CheckResponse(response.Content.Headers.ContentType?.MediaType, _buffer.AsSpan(0, length), id);
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException or TaskCanceledException)
            {
                return $"{ex.GetType().Name}: {ex.Message}";
            }
        }

        private async Task<int> ReadBodyAsync(HttpContent content)
        {
            await using var stream = await content.ReadAsStreamAsync();
            var length = 0;
            while (true)
            {
                if (length == _buffer.Length)
                {
                    Array.Resize(ref _buffer, _buffer.Length * 2);
                }

                var read = await stream.ReadAsync(_buffer.AsMemory(length));
                if (read == 0)
                {
                    return length;
                }

                length += read;
            }
        }

        private void Record(long latency)
        {
            if (Count == Latencies.Length)
            {
                var grown = Latencies;
                Array.Resize(ref grown, grown.Length * 2);
                Latencies = grown;
            }

            Latencies[Count++] = latency;
        }

        private void Sample(string problem)
        {
            if (_errorSamples.Count < MaxErrorSamples)
            {
                _errorSamples.Add(problem);
            }
        }

        public void Dispose() => _client.Dispose();
    }
}

internal sealed record LoadResult(
    string Name, string Url, int Connections, double Seconds, int Requests, double RequestsPerSecond,
    double P50Ms, double P90Ms, double P99Ms, double MaxMs, double MeanMs, int Errors, int WarmupErrors,
    double? ServerCpuMicrosPerRequest, double? GeneratorCpuMicrosPerRequest)
{
    public double? OtherBusyCores { get; init; }

    public long TotalCalls { get; init; }

    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"[{Name}] {Requests} calls in {Seconds:0.00} s = {RequestsPerSecond:0} req/s; latency ms p50 {P50Ms:0.000} p90 {P90Ms:0.000} p99 {P99Ms:0.000} max {MaxMs:0.0} mean {MeanMs:0.000}; errors {Errors} (warm-up {WarmupErrors}); CPU µs/call server {ServerCpuMicrosPerRequest?.ToString("0", CultureInfo.InvariantCulture) ?? "n/a"} generator {GeneratorCpuMicrosPerRequest?.ToString("0", CultureInfo.InvariantCulture) ?? "n/a"}; other processes busy {OtherBusyCores?.ToString("0.00", CultureInfo.InvariantCulture) ?? "n/a"} cores; {TotalCalls} calls in all, warm-up included");

    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("name", Name);
            json.WriteString("url", Url);
            json.WriteNumber("connections", Connections);
            json.WriteNumber("seconds", Seconds);
            json.WriteNumber("requests", Requests);
            WriteNumber(json, "requestsPerSecond", RequestsPerSecond);
            WriteNumber(json, "p50Ms", P50Ms);
            WriteNumber(json, "p90Ms", P90Ms);
            WriteNumber(json, "p99Ms", P99Ms);
            WriteNumber(json, "maxMs", MaxMs);
            WriteNumber(json, "meanMs", MeanMs);
            json.WriteNumber("errors", Errors);
            json.WriteNumber("warmupErrors", WarmupErrors);
            WriteNumber(json, "serverCpuMicrosPerRequest", ServerCpuMicrosPerRequest);
            WriteNumber(json, "generatorCpuMicrosPerRequest", GeneratorCpuMicrosPerRequest);
            WriteNumber(json, "otherBusyCores", OtherBusyCores);
            json.WriteNumber("totalCalls", TotalCalls);
            json.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    public static LoadResult FromJson(string text)
    {
        using var document = JsonDocument.Parse(text);
        var root = document.RootElement;
        double Number(string name) => root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : double.NaN;
        double? Optional(string name) => Number(name) is var value && !double.IsNaN(value) ? value : null;
        return new LoadResult(
            root.GetProperty("name").GetString() ?? "",
            root.GetProperty("url").GetString() ?? "",
            root.GetProperty("connections").GetInt32(),
            Number("seconds"),
            root.GetProperty("requests").GetInt32(),
            Number("requestsPerSecond"),
            Number("p50Ms"),
            Number("p90Ms"),
            Number("p99Ms"),
            Number("maxMs"),
            Number("meanMs"),
            root.GetProperty("errors").GetInt32(),
            root.GetProperty("warmupErrors").GetInt32(),
            Optional("serverCpuMicrosPerRequest"),
            Optional("generatorCpuMicrosPerRequest"))
        {
            OtherBusyCores = Optional("otherBusyCores"),
            TotalCalls = root.TryGetProperty("totalCalls", out var total) ? total.GetInt64() : 0,
        };
    }

    private static void WriteNumber(Utf8JsonWriter json, string name, double? value)
    {
        if (value is { } number && double.IsFinite(number))
        {
            json.WriteNumber(name, Math.Round(number, 4));
        }
        else
        {
            json.WriteNull(name);
        }
    }
}

/// <summary>
/// A server's GC counters from an optional endpoint that answers
/// "totalAllocatedBytes gen0Count gen1Count gen2Count" (the bare server has one at /bench/gc).
/// </summary>
internal static class ServerGc
{
    public static async Task<(long Allocated, int Gen0, int Gen1, int Gen2)?> ReadAsync(HttpClient client, Uri? url)
    {
        if (url is null)
        {
            return null;
        }

        var parts = (await client.GetStringAsync(url)).Split(' ');
        return (long.Parse(parts[0], CultureInfo.InvariantCulture), int.Parse(parts[1], CultureInfo.InvariantCulture),
            int.Parse(parts[2], CultureInfo.InvariantCulture), int.Parse(parts[3], CultureInfo.InvariantCulture));
    }
}

/// <summary>CPU time of a process and of the whole machine, from /proc (Linux); null elsewhere.</summary>
internal static class ProcessCpu
{
    // USER_HZ is 100 on every Linux architecture .NET runs on.
    private const int ClockTicksPerSecond = 100;

    public static TimeSpan? Read(int? pid)
    {
        if (pid is not { } id)
        {
            return null;
        }

        try
        {
            // /proc/PID/stat: fields 14 and 15 (utime, stime) in clock ticks, counted after the ')' of the command name.
            var stat = File.ReadAllText($"/proc/{id}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            return TimeSpan.FromSeconds(ticks / (double)ClockTicksPerSecond);
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>CPU time all cores spent neither idle nor waiting for I/O, from /proc/stat; null where that does not exist.</summary>
    public static TimeSpan? ReadMachineBusy()
    {
        try
        {
            using var reader = new StreamReader("/proc/stat");
            var fields = (reader.ReadLine() ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
            // cpu user nice system idle iowait irq softirq steal ...: busy = user+nice+system+irq+softirq.
            long Field(int index) => index < fields.Length ? long.Parse(fields[index], CultureInfo.InvariantCulture) : 0;
            var busy = Field(1) + Field(2) + Field(3) + Field(6) + Field(7);
            return TimeSpan.FromSeconds(busy / (double)ClockTicksPerSecond);
        }
        catch (IOException)
        {
            return null;
        }
    }
}
