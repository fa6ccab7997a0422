using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol.Protocol;
using Portico.Catalog;
using Portico.Security;

namespace Portico.Connectors;

/// <summary>
/// The last step of a connector tool's call, after the whole policy pipeline: the arguments become one HTTP request
/// (path parameters escaped into the path, query parameters, header parameters that cannot inject a header, the JSON body),
/// sent under the connectors' outbound policy (timeout, size limit, allowed addresses). A 2xx answer is the text plus,
/// when it is a JSON object, the same as structured content; any other status is a tool error with the provider's status
/// and message.
/// </summary>
internal sealed partial class ConnectorCalls(ConnectorHttp http, ILogger<ConnectorCalls> logger)
{
    private const int MaxMessageChars = 1000;

    public async ValueTask<CallToolResult> CallAsync(ConnectorDefinition connector, ConnectorOperation operation, ToolInvocation invocation, string? secret,
        CancellationToken cancellationToken)
    {
        var requestId = invocation.Call.RequestId;
        HttpRequestMessage request;
        try
        {
            request = Build(connector, operation, invocation.Arguments, secret);
        }
        catch (ConnectorException ex)
        {
            return ToolError.Result("VALIDATION_FAILED", ex.Message, ex.Hint, requestId);
        }

        using (request)
        {
            OutboundResponse response;
            try
            {
                response = await http.Client().SendAsync(request, cancellationToken);
            }
            catch (HttpRequestException ex)
            {
                // The connect callback's refusal arrives wrapped by the handler.
                LogRefused(logger, connector.Name, operation.Tool.Name, ex.Message);
                return OutboundHttpException.Find(ex) is { } refused
                    ? refused.Refusal == OutboundRefusal.NotAllowed
                        ? ToolError.Result("OUTBOUND_NOT_ALLOWED", $"Connector '{connector.Name}' may not reach its API: {refused.Message}",
                            $"An operator sets what connectors may reach under {OutboundHttpOptions.Section(ConnectorHttp.Key)}.", requestId)
                        : ToolError.Result("UPSTREAM_UNAVAILABLE", $"Connector '{connector.Name}': {refused.Message}", "Retry later; if it persists, tell the operator.", requestId)
                    : ToolError.Result("UPSTREAM_UNAVAILABLE", $"Connector '{connector.Name}' could not reach {connector.BaseUrl.GetLeftPart(UriPartial.Authority)}: {ex.Message}",
                        "Retry later; if it persists, tell the operator.", requestId);
            }

            return Answer(connector, operation, response, requestId);
        }
    }

    /// <summary>The HTTP request for these arguments; a <see cref="ConnectorException"/> names an argument that cannot be sent safely.</summary>
    public static HttpRequestMessage Build(ConnectorDefinition connector, ConnectorOperation operation, JsonElement arguments, string? secret)
    {
        var path = new StringBuilder(operation.Path);
        var query = new StringBuilder();
        var headers = new List<(string, string)>();
        foreach (var parameter in operation.Parameters)
        {
            if (!arguments.TryGetProperty(parameter.Property, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                continue;
            }

            switch (parameter.In)
            {
                case "path":
                    var segment = Scalar(value);
                    // Escaped, so '/', '?' and '#' stay inside the segment; '.' and '..' would still walk up the path.
                    if (segment is "" or "." or "..")
                    {
                        throw new ConnectorException($"The path parameter '{parameter.Property}' may not be empty, '.' or '..'.", "Pass the identifier itself.");
                    }

                    path.Replace("{" + parameter.Name + "}", Uri.EscapeDataString(segment));
                    break;
                case "query" when secret is not null && connector.Connection is { Kind: ConnectorConnection.QueryKey } key && key.ParameterName == parameter.Name:
                    break;
                case "query":
                    foreach (var item in value.ValueKind == JsonValueKind.Array ? value.EnumerateArray().ToArray() : [value])
                    {
                        query.Append(query.Length == 0 ? '?' : '&').Append(Uri.EscapeDataString(parameter.Name)).Append('=').Append(Uri.EscapeDataString(Scalar(item)));
                    }

                    break;
                case "header":
                    var text = value.ValueKind == JsonValueKind.Array ? string.Join(",", value.EnumerateArray().Select(Scalar)) : Scalar(value);
                    if (text.Any(c => char.IsControl(c) || c > '\u007e'))
                    {
                        throw new ConnectorException($"The header parameter '{parameter.Property}' contains a line break or another control or non-ASCII character.",
                            "Header values are one line of printable ASCII.");
                    }

                    headers.Add((parameter.Name, text));
                    break;
            }
        }

        // The tenant's secret goes where the scheme says, and no argument may stand in for it.
        var credential = secret is not null ? connector.Connection : null;
        if (credential is { Kind: ConnectorConnection.HeaderKey } header)
        {
            headers.RemoveAll(h => string.Equals(h.Item1, header.ParameterName, StringComparison.OrdinalIgnoreCase));
        }

        var baseUrl = connector.BaseUrl.AbsoluteUri.TrimEnd('/');
        var request = new HttpRequestMessage(operation.Method, new Uri(baseUrl + path + query, UriKind.Absolute));
        if (credential is not null)
        {
            // After the arguments' query, built apart so the secret is appended once, last.
            var withSecret = new StringBuilder(query.ToString());
            credential.Apply(request, withSecret, secret!);
            request.RequestUri = new Uri(baseUrl + path + withSecret, UriKind.Absolute);
        }
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("*/*", 0.5));
        foreach (var (name, text) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, text);
        }

        if (operation.HasBody && arguments.TryGetProperty(ConnectorOperation.BodyProperty, out var body))
        {
            request.Content = new StringContent(body.GetRawText(), Encoding.UTF8, "application/json");
        }

        return request;
    }

    private static CallToolResult Answer(ConnectorDefinition connector, ConnectorOperation operation, OutboundResponse response, string requestId)
    {
        var text = Encoding.UTF8.GetString(response.Body);
        var mediaType = response.ContentHeaders.ContentType?.MediaType ?? "";
        var isJson = mediaType.Contains("json", StringComparison.OrdinalIgnoreCase);
        JsonNode? parsed = null;
        if (isJson && text.Length > 0)
        {
            try
            {
                parsed = JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { MaxDepth = 256 });
            }
            catch (JsonException)
            {
                // Said JSON, was not: the text alone still tells the caller what came back.
            }
        }

        var status = (int)response.Status;
        if (response.IsSuccess)
        {
            var shown = text.Length > 0 ? text : $"HTTP {status} {response.ReasonPhrase}: no content.";
            return parsed is JsonObject structured
                ? ToolResults.Structured(shown, structured)
                : new CallToolResult { Content = [new TextContentBlock { Text = shown }] };
        }

        var code = status switch
        {
            404 => "NOT_FOUND",
            409 => "CONFLICT",
            429 => "RATE_LIMITED",
            _ => "HTTP_ERROR",
        };
        var message = ProviderMessage(parsed) ?? (text.Length > 0 && !mediaType.Contains("html", StringComparison.OrdinalIgnoreCase) ? text : response.ReasonPhrase ?? "");
        if (message.Length > MaxMessageChars)
        {
            message = message[..MaxMessageChars] + "…";
        }

        var hint = status switch
        {
            401 or 403 => "The API refused the credentials; a tenant owner or admin checks the connection in the portal's Integrations page.",
            >= 500 => "The API failed; retry later.",
            _ => "Check the arguments against the tool's input schema and the API's documentation, then call again.",
        };
        var details = new JsonObject
        {
            ["connector"] = connector.Name,
            ["operationId"] = operation.OperationId,
            ["status"] = status,
            ["body"] = parsed?.DeepClone() ?? (text.Length > MaxMessageChars ? text[..MaxMessageChars] : text),
        };
        if (response.Headers.RetryAfter?.Delta is { } retry)
        {
            details["retryAfterSeconds"] = (int)retry.TotalSeconds;
        }

        return ToolError.Result(code, $"{connector.Title} answered HTTP {status}: {message}", hint, requestId, details);
    }

    /// <summary>The message an API put in its error body, under the names APIs use for it.</summary>
    private static string? ProviderMessage(JsonNode? body)
    {
        if (body is not JsonObject error)
        {
            return null;
        }

        foreach (var key in new[] { "message", "error_description", "detail", "title", "error", "msg" })
        {
            switch (error[key])
            {
                case JsonValue value when value.TryGetValue<string>(out var text) && text.Length > 0:
                    return text;
                case JsonObject nested when ProviderMessage(nested) is { } inner:
                    return inner;
            }
        }

        return null;
    }

    private static string Scalar(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => value.GetRawText(),
    };

    [LoggerMessage(EventId = 1800, Level = LogLevel.Warning, Message = "Connector {Connector}: the call of {Tool} failed: {Error}")]
    private static partial void LogRefused(ILogger logger, string connector, string tool, string error);
}
