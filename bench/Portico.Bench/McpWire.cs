using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Portico.Bench;

/// <summary>The MCP Streamable HTTP bits the benchmark speaks: request bodies, handshake, SSE and JSON-RPC checks.</summary>
internal static class McpWire
{
    public const string ProtocolVersion = "2025-11-25";

    /// <summary>The revision without sessions: no handshake, each request carries _meta and mirrors its method and name in headers.</summary>
    public const string StatelessProtocolVersion = "2026-07-28";
    public const string SessionIdHeader = "Mcp-Session-Id";
    public const string ProtocolVersionHeader = "MCP-Protocol-Version";
    public const string Accept = "application/json, text/event-stream";
    public const string EventStream = "text/event-stream";

    private static readonly byte[] InitializedNotification = """{"jsonrpc":"2.0","method":"notifications/initialized"}"""u8.ToArray();

    public static byte[] InitializeBody(long id) => Encoding.UTF8.GetBytes(string.Concat(
        """{"jsonrpc":"2.0","id":""", id.ToString(CultureInfo.InvariantCulture),
        ""","method":"initialize","params":{"protocolVersion":""" + "\"" + ProtocolVersion + "\"",
        ""","capabilities":{},"clientInfo":{"name":"portico-bench","version":"1"}}}"""));

    /// <summary>
    /// One HTTP/1.1 keep-alive connection (a handler that never opens a second one) that sends
    /// <paramref name="headers"/> (e.g. Authorization) and the MCP Accept header with every request.
    /// </summary>
    public static HttpClient CreateClient(IReadOnlyList<KeyValuePair<string, string>> headers)
    {
        var client = CreateBareClient();
        client.DefaultRequestHeaders.TryAddWithoutValidation("Accept", Accept);
        foreach (var (name, value) in headers)
        {
            if (!client.DefaultRequestHeaders.TryAddWithoutValidation(name, value))
            {
                throw new ArgumentException($"cannot send the header '{name}' on every request");
            }
        }

        return client;
    }

    private static HttpClient CreateBareClient() => new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = 1,
        UseProxy = false,
        UseCookies = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        ConnectTimeout = TimeSpan.FromSeconds(10),
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(10),
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
    })
    {
        Timeout = TimeSpan.FromSeconds(30),
        DefaultRequestVersion = HttpVersion.Version11,
        DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
    };

    public static HttpRequestMessage Post(Uri url, byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
        return new HttpRequestMessage(HttpMethod.Post, url)
        {
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = content,
        };
    }

    /// <summary>
    /// initialize + notifications/initialized, as every MCP client does; afterwards the client's
    /// default headers carry the session id and protocol version. Returns the session id.
    /// </summary>
    public static async Task<string> HandshakeAsync(HttpClient client, Uri url, CancellationToken cancellationToken)
    {
        string sessionId;
        using (var request = Post(url, InitializeBody(0)))
        using (var response = await client.SendAsync(request, cancellationToken))
        {
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw new InvalidOperationException($"initialize answered {(int)response.StatusCode}: {Encoding.UTF8.GetString(body)}");
            }

            sessionId = response.Headers.TryGetValues(SessionIdHeader, out var values) ? values.First()
                : throw new InvalidOperationException("initialize answered without an Mcp-Session-Id header");
            if (CheckResponse(response.Content.Headers.ContentType?.MediaType, body, 0) is { } problem)
            {
                throw new InvalidOperationException($"initialize: {problem}");
            }
        }

        client.DefaultRequestHeaders.TryAddWithoutValidation(SessionIdHeader, sessionId);
        client.DefaultRequestHeaders.TryAddWithoutValidation(ProtocolVersionHeader, ProtocolVersion);
        using (var request = Post(url, InitializedNotification))
        using (var response = await client.SendAsync(request, cancellationToken))
        {
            if (response.StatusCode != HttpStatusCode.Accepted)
            {
                throw new InvalidOperationException($"notifications/initialized answered {(int)response.StatusCode}, expected 202");
            }
        }

        return sessionId;
    }

    /// <summary>
    /// What a 2026-07-28 client sends instead of a handshake: the version, method and tool name headers on every
    /// call (SEP-2243), the name Base64-encoded when it is not plain visible ASCII.
    /// </summary>
    public static void UseStatelessHeaders(HttpClient client, string tool)
    {
        var plain = tool.Length > 0 && tool.All(c => c is > ' ' and <= '~');
        client.DefaultRequestHeaders.TryAddWithoutValidation(ProtocolVersionHeader, StatelessProtocolVersion);
        client.DefaultRequestHeaders.TryAddWithoutValidation("Mcp-Method", "tools/call");
        client.DefaultRequestHeaders.TryAddWithoutValidation("Mcp-Name", plain ? tool : $"=?base64?{Convert.ToBase64String(Encoding.UTF8.GetBytes(tool))}?=");
    }

    /// <summary>
    /// Null when the body is an SSE stream whose last event carries a JSON-RPC result for
    /// <paramref name="id"/> (and, for a tool result, not <c>isError: true</c>); otherwise what is wrong.
    /// </summary>
    public static string? CheckResponse(string? mediaType, ReadOnlySpan<byte> body, long id)
    {
        if (!string.Equals(mediaType, EventStream, StringComparison.OrdinalIgnoreCase))
        {
            return $"content type '{mediaType}', expected {EventStream}";
        }

        return TryGetLastEventData(body, out var data)
            ? CheckResult(data, id)
            : "no SSE event with data in the response";
    }

    /// <summary>The data of the last complete SSE event that has non-empty data (priming events have none).</summary>
    public static bool TryGetLastEventData(ReadOnlySpan<byte> body, out ReadOnlySpan<byte> data)
    {
        data = default;
        var found = false;
        ReadOnlySpan<byte> eventData = default;
        byte[]? joined = null;
        var dataLines = 0;
        while (!body.IsEmpty)
        {
            var end = body.IndexOf((byte)'\n');
            if (end < 0)
            {
                break; // an unterminated line ends no event: ignored, as the SSE spec says
            }

            var line = body[..end];
            body = body[(end + 1)..];
            if (!line.IsEmpty && line[^1] == '\r')
            {
                line = line[..^1];
            }

            if (line.IsEmpty)
            {
                if (dataLines > 0 && !eventData.IsEmpty)
                {
                    data = eventData;
                    found = true;
                }

                eventData = default;
                dataLines = 0;
                continue;
            }

            var colon = line.IndexOf((byte)':');
            var field = colon < 0 ? line : line[..colon];
            if (!field.SequenceEqual("data"u8))
            {
                continue;
            }

            var value = colon < 0 ? [] : line[(colon + 1)..];
            if (!value.IsEmpty && value[0] == ' ')
            {
                value = value[1..];
            }

            if (dataLines++ == 0)
            {
                eventData = value;
            }
            else
            {
                // Multi-line data (never sent by Portico): join with '\n' as the spec says.
                joined = [.. eventData, (byte)'\n', .. value];
                eventData = joined;
            }
        }

        return found;
    }

    public static string? CheckResult(ReadOnlySpan<byte> json, long id)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return "the event data is not a JSON object";
            }

            bool hasResult = false, idMatches = false, version = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("result"u8))
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.StartObject)
                    {
                        return "'result' is not an object";
                    }

                    while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                    {
                        var isError = reader.ValueTextEquals("isError"u8);
                        reader.Skip();
                        if (isError && reader.TokenType == JsonTokenType.True)
                        {
                            return "the tool answered isError: true: " + Encoding.UTF8.GetString(json);
                        }
                    }

                    hasResult = true;
                }
                else if (reader.ValueTextEquals("error"u8))
                {
                    return "JSON-RPC error: " + Encoding.UTF8.GetString(json);
                }
                else if (reader.ValueTextEquals("id"u8))
                {
                    reader.Read();
                    idMatches = reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var value) && value == id;
                }
                else if (reader.ValueTextEquals("jsonrpc"u8))
                {
                    reader.Read();
                    version = reader.TokenType == JsonTokenType.String && reader.ValueTextEquals("2.0"u8);
                }
                else
                {
                    reader.Skip();
                }
            }

            return !version ? "missing \"jsonrpc\":\"2.0\""
                : !idMatches ? $"the response id is not {id}"
                : !hasResult ? "no 'result'"
                : null;
        }
        catch (JsonException ex)
        {
            return $"invalid JSON in the event data: {ex.Message}";
        }
    }
}

/// <summary>The tools/call request body, built per call from a fixed prefix and suffix around the id.</summary>
internal sealed class CallBody
{
    private readonly byte[] _prefix = """{"jsonrpc":"2.0","id":"""u8.ToArray();
    private readonly byte[] _suffix;

    /// <param name="stateless">Adds the per-request <c>_meta</c> of the 2026-07-28 revision (version, client, capabilities).</param>
    public CallBody(string tool, string argumentsJson, bool stateless = false)
    {
        using var arguments = JsonDocument.Parse(argumentsJson);
        if (arguments.RootElement.ValueKind != JsonValueKind.Object)
        {
            throw new ArgumentException("--arguments must be a JSON object");
        }

        _suffix = Encoding.UTF8.GetBytes(string.Concat(
            ",\"method\":\"tools/call\",\"params\":{\"name\":\"", JsonEncodedText.Encode(tool).ToString(),
            "\",\"arguments\":", arguments.RootElement.GetRawText(),
            stateless
                ? ",\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"" + McpWire.StatelessProtocolVersion
                    + "\",\"io.modelcontextprotocol/clientInfo\":{\"name\":\"portico-bench\",\"version\":\"1\"},\"io.modelcontextprotocol/clientCapabilities\":{}}"
                : "",
            "}}"));
    }

    public byte[] Build(long id)
    {
        Span<byte> digits = stackalloc byte[20];
        id.TryFormat(digits, out var written, provider: CultureInfo.InvariantCulture);
        var body = new byte[_prefix.Length + written + _suffix.Length];
        _prefix.CopyTo(body, 0);
        digits[..written].CopyTo(body.AsSpan(_prefix.Length));
        _suffix.CopyTo(body, _prefix.Length + written);
        return body;
    }
}
