using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Primitives;

namespace Portico.Bench;

/// <summary>
/// The baseline: a minimal Kestrel endpoint (CreateSlimBuilder, one routed POST /mcp) that
/// answers with the bytes Portico sent for the same request, captured from Portico at start-up:
/// same status, headers, SSE events and chunking, with only the JSON-RPC id echoed from the
/// request. Everything Portico does beyond that (sessions, the SDK, the tool) is what the
/// comparison measures.
/// </summary>
internal static class BareServer
{
    public static async Task<int> RunAsync(CommandLine args)
    {
        var urls = args.Require("urls");
        var source = Uri.TryCreate(args.Require("template-from"), UriKind.Absolute, out var parsed) ? parsed
            : throw new ArgumentException("--template-from must be Portico's MCP URL, e.g. http://127.0.0.1:8080/mcp");
        var call = new CallBody(args.Get("tool") ?? "ping", args.Get("arguments") ?? "{}");

        ResponseTemplate initialize, accepted, answer;
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            (initialize, accepted, answer) = await ResponseTemplate.CaptureAsync(source, call, args.GetHeaders(), timeout.Token);
        }

        if (args.Get("dump") is { } directory)
        {
            Directory.CreateDirectory(directory);
            await File.WriteAllTextAsync(Path.Combine(directory, "bare-template.md"), string.Join('\n',
                "# Responses the bare server replays (captured from Portico)\n",
                initialize.Describe("initialize"),
                accepted.Describe("notifications/initialized"),
                answer.Describe("tools/call")));
        }

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["urls"] = urls,
            // What an ASP.NET Core template app (and Portico) runs with: no per-request framework logs.
            ["Logging:LogLevel:Default"] = "Information",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
        });
        var app = builder.Build();
        var handler = new BareHandler(initialize, accepted, answer);
        app.MapGet("/health", (RequestDelegate)(context => context.Response.WriteAsync("""{"status":"ok"}""")));
        app.MapPost("/mcp", (RequestDelegate)handler.HandleAsync);
        // GC counters for `load --gc-url` (allocations per call).
        app.MapGet("/bench/gc", (RequestDelegate)(context => context.Response.WriteAsync(string.Create(CultureInfo.InvariantCulture,
            $"{GC.GetTotalAllocatedBytes(false)} {GC.CollectionCount(0)} {GC.CollectionCount(1)} {GC.CollectionCount(2)}"))));
        await app.RunAsync();
        return 0;
    }

    private sealed class BareHandler(ResponseTemplate initialize, ResponseTemplate accepted, ResponseTemplate answer)
    {
        private readonly Headers _initializeHeaders = new(initialize);
        private readonly Headers _acceptedHeaders = new(accepted);
        private readonly Headers _answerHeaders = new(answer);

        public async Task HandleAsync(HttpContext context)
        {
            var (body, length) = await ReadBodyAsync(context.Request, context.RequestAborted);
            byte[]? reply = null;
            int replyLength;
            ResponseTemplate template;
            Headers headers;
            try
            {
                var (idStart, idLength, isInitialize) = Inspect(body.AsSpan(0, length));
                (template, headers) = idLength == 0 ? (accepted, _acceptedHeaders)
                    : isInitialize ? (initialize, _initializeHeaders)
                    : (answer, _answerHeaders);
                replyLength = idLength == 0 ? 0 : template.BeforeId.Length + idLength + template.AfterId.Length;
                if (replyLength > 0)
                {
                    reply = ArrayPool<byte>.Shared.Rent(replyLength);
                    template.BeforeId.CopyTo(reply, 0);
                    body.AsSpan(idStart, idLength).CopyTo(reply.AsSpan(template.BeforeId.Length));
                    template.AfterId.CopyTo(reply, template.BeforeId.Length + idLength);
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(body);
            }

            try
            {
                context.Response.StatusCode = template.Status;
                headers.Apply(context.Response.Headers);
                if (reply is null)
                {
                    return;
                }

                // One write per SSE event: Kestrel sends each as its own chunk, as Portico does.
                foreach (var sse in template.LeadingEvents)
                {
                    await context.Response.Body.WriteAsync(sse, context.RequestAborted);
                }

                await context.Response.Body.WriteAsync(reply.AsMemory(0, replyLength), context.RequestAborted);
            }
            finally
            {
                if (reply is not null)
                {
                    ArrayPool<byte>.Shared.Return(reply);
                }
            }
        }

        /// <summary>Where the raw JSON-RPC id is (length 0: a notification) and whether this is initialize.</summary>
        private static (int IdStart, int IdLength, bool IsInitialize) Inspect(ReadOnlySpan<byte> json)
        {
            var reader = new Utf8JsonReader(json);
            int idStart = 0, idLength = 0;
            var isInitialize = false;
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new BadHttpRequestException("not a JSON-RPC object");
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("id"u8))
                {
                    reader.Read();
                    idStart = (int)reader.TokenStartIndex;
                    idLength = (int)reader.BytesConsumed - idStart;
                }
                else if (reader.ValueTextEquals("method"u8))
                {
                    reader.Read();
                    isInitialize = reader.ValueTextEquals("initialize"u8);
                }
                else
                {
                    reader.Skip();
                }
            }

            return (idStart, idLength, isInitialize);
        }

        private static async Task<(byte[] Body, int Length)> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
        {
            var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(request.ContentLength ?? 4096, 1 << 20) + 1);
            var length = 0;
            while (true)
            {
                if (length == buffer.Length)
                {
                    var grown = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, length).CopyTo(grown);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = grown;
                }

                var read = await request.Body.ReadAsync(buffer.AsMemory(length), cancellationToken);
                if (read == 0)
                {
                    return (buffer, length);
                }

                length += read;
            }
        }
    }

    /// <summary>A template's headers, ready to copy onto a response without re-parsing.</summary>
    private sealed class Headers(ResponseTemplate template)
    {
        private readonly KeyValuePair<string, StringValues>[] _headers =
            [.. template.Headers.Select(h => new KeyValuePair<string, StringValues>(h.Key, h.Value))];

        public void Apply(IHeaderDictionary target)
        {
            foreach (var (name, value) in _headers)
            {
                target[name] = value;
            }
        }
    }
}
