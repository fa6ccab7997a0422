using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Portico.Cli.Doctor;

/// <summary>
/// The doctor's HTTP client: every request and its answer are recorded (secrets redacted) for the support bundle, and a
/// failure to connect is an answer with status 0, not an exception, so each check can say what went wrong.
/// </summary>
internal sealed class DoctorHttp(HttpClient client, TimeProvider time, string? token)
{
    // A support bundle is read by a person; a huge tools/list or HTML page is cut rather than filling the file.
    private const int MaxRecordedBody = 64 * 1024;

    public JsonArray Exchanges { get; } = [];

    /// <summary>The spellings of the given credential that are taken out of everything recorded or reported.</summary>
    public IReadOnlyList<string> Secrets { get; } = DoctorRedaction.Forms(token);

    public Task<DoctorReply> GetAsync(Uri url, CancellationToken cancellationToken, string? authorization = null)
        => SendAsync(HttpMethod.Get, url, null, authorization is null ? [] : [new("Authorization", authorization)], cancellationToken);

    public async Task<DoctorReply> SendAsync(HttpMethod method, Uri url, string? body, IReadOnlyList<KeyValuePair<string, string>> headers, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, url);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        var at = time.GetUtcNow();
        var watch = Stopwatch.StartNew();
        DoctorReply reply;
        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            reply = new DoctorReply((int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, text, HeadersOf(response), null);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            reply = new DoctorReply(0, null, "", new Dictionary<string, string>(), ex is TaskCanceledException ? $"no answer within {client.Timeout.TotalSeconds:0} s" : Innermost(ex).Message);
        }

        Exchanges.Add(Record(at, watch.ElapsedMilliseconds, request, body, reply));
        return reply;
    }

    private JsonObject Record(DateTimeOffset at, long milliseconds, HttpRequestMessage request, string? body, DoctorReply reply)
    {
        var requestHeaders = new JsonObject();
        foreach (var (name, values) in request.Headers)
        {
            requestHeaders[name] = DoctorRedaction.Header(name, string.Join(", ", values), Secrets);
        }

        var responseHeaders = new JsonObject();
        foreach (var (name, value) in reply.Headers)
        {
            responseHeaders[name] = DoctorRedaction.Header(name, value, Secrets);
        }

        return new JsonObject
        {
            ["at"] = at.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            ["durationMs"] = milliseconds,
            ["request"] = new JsonObject
            {
                ["method"] = request.Method.Method,
                ["url"] = DoctorRedaction.Text(request.RequestUri!.ToString(), Secrets),
                ["headers"] = requestHeaders,
                ["body"] = body is null ? null : Cut(DoctorRedaction.Body(body, Secrets)),
            },
            ["response"] = reply.Answered
                ? new JsonObject
                {
                    ["status"] = reply.Status,
                    ["headers"] = responseHeaders,
                    ["body"] = Cut(DoctorRedaction.Body(reply.Body, Secrets)),
                }
                : new JsonObject { ["error"] = DoctorRedaction.Text(reply.Error ?? "", Secrets) },
        };
    }

    private static Dictionary<string, string> HeadersOf(HttpResponseMessage response)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in response.Headers.Concat<KeyValuePair<string, IEnumerable<string>>>(response.Content.Headers))
        {
            headers[name] = string.Join(", ", values);
        }

        return headers;
    }

    private static string Cut(string text) => text.Length <= MaxRecordedBody ? text : text[..MaxRecordedBody] + $"… ({text.Length - MaxRecordedBody} more characters)";

    private static Exception Innermost(Exception ex)
    {
        while (ex.InnerException is not null)
        {
            ex = ex.InnerException;
        }

        return ex;
    }

    /// <summary>The Authorization value for a credential in the form the server expects most often (or the raw form, seed 003's alternative).</summary>
    public static string Authorization(string token, bool raw) => raw ? token : new AuthenticationHeaderValue("Bearer", token).ToString();
}
