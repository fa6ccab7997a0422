using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;
using Microsoft.OpenApi.YamlReader;

namespace Portico.Connectors;

/// <summary>
/// Reads an OpenAPI 3.0 or 3.1 document (JSON or YAML) and normalizes it to OpenAPI 3.1 JSON, the one form Portico stores
/// and builds tools from: a 3.0 document's <c>nullable</c> and <c>exclusiveMinimum</c> become JSON Schema 2020-12 on the way.
/// A hostile document is refused before the parser sees it: larger than the limit, or nested deeper than
/// <see cref="MaxDepth"/> (a parser that recurses per level would otherwise be the attacker's stack).
/// </summary>
internal static class ConnectorDocument
{
    public const int MaxDepth = 64;

    /// <summary>Indentation deeper than this is refused in YAML: block nesting costs the parser a level per indent.</summary>
    private const int MaxIndent = 512;

    public static JsonObject Parse(string text, int maxBytes)
    {
        if (Encoding.UTF8.GetByteCount(text) > maxBytes)
        {
            throw new ConnectorException($"The OpenAPI document is larger than {maxBytes} bytes.",
                "Serve a smaller document (only the operations the tools need), or raise Portico:Connectors:MaxDocumentBytes.");
        }

        var trimmed = text.AsSpan().TrimStart();
        var format = trimmed.Length > 0 && trimmed[0] == '{' ? "json" : "yaml";
        if (format == "json")
        {
            CheckJsonDepth(text);
        }
        else
        {
            CheckYamlDepth(text);
        }

        var settings = new OpenApiReaderSettings { LoadExternalRefs = false };
        settings.TryAddReader("yaml", new OpenApiYamlReader());
        settings.TryAddReader("yml", new OpenApiYamlReader());
        ReadResult read;
        try
        {
            read = OpenApiDocument.Parse(text, format, settings);
        }
        catch (Exception ex) when (ex is OpenApiException or JsonException or FormatException or InvalidOperationException or ArgumentException or InvalidCastException)
        {
            throw new ConnectorException($"The document is not a readable OpenAPI document: {Clip(ex.Message)}", Hint);
        }

        if (read.Document is not { } document || read.Diagnostic is { Errors.Count: > 0 })
        {
            var errors = read.Diagnostic?.Errors.Take(5).Select(e => string.IsNullOrEmpty(e.Pointer) ? e.Message : $"{e.Pointer}: {e.Message}") ?? [];
            throw new ConnectorException($"The document is not a valid OpenAPI 3.0/3.1 document: {Clip(string.Join("; ", errors))}", Hint);
        }

        if (read.Diagnostic?.SpecificationVersion is not (OpenApiSpecVersion.OpenApi3_0 or OpenApiSpecVersion.OpenApi3_1))
        {
            throw new ConnectorException($"OpenAPI {read.Diagnostic?.SpecificationVersion} is not supported.", "Convert it to OpenAPI 3.0 or 3.1 (Swagger 2.0 converters exist).");
        }

        using var writer = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        document.SerializeAsV31(new OpenApiJsonWriter(writer, new OpenApiJsonWriterSettings { Terse = true }));
        return Normalized(writer.ToString());
    }

    /// <summary>A stored (already normalized) document.</summary>
    public static JsonObject Normalized(string json)
        => JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { MaxDepth = MaxDepth * 2 }) as JsonObject
            ?? throw new ConnectorException("The stored document is not a JSON object.", Hint);

    public const string Hint = "Check the document with an OpenAPI validator; Portico reads OpenAPI 3.0 and 3.1 in JSON or YAML, with every $ref inside the document.";

    private static void CheckJsonDepth(string text)
    {
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(text), new JsonReaderOptions { MaxDepth = MaxDepth, CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        try
        {
            while (reader.Read())
            {
            }
        }
        catch (JsonException ex)
        {
            throw new ConnectorException($"The document is not valid JSON: {Clip(ex.Message)}", $"Portico reads documents nested at most {MaxDepth} levels deep.");
        }
    }

    /// <summary>
    /// Flow collections (<c>[</c>, <c>{</c>) and indentation, counted without a parser: a string holding brackets may count
    /// too, which only matters past <see cref="MaxDepth"/> unclosed ones.
    /// </summary>
    private static void CheckYamlDepth(string text)
    {
        var depth = 0;
        var lineStart = true;
        var indent = 0;
        foreach (var c in text)
        {
            if (c == '\n')
            {
                lineStart = true;
                indent = 0;
                continue;
            }

            if (lineStart && c == ' ')
            {
                if (++indent > MaxIndent)
                {
                    throw TooDeep();
                }

                continue;
            }

            lineStart = false;
            if (c is '[' or '{' && ++depth > MaxDepth)
            {
                throw TooDeep();
            }

            if (c is ']' or '}' && depth > 0)
            {
                depth--;
            }
        }
    }

    private static ConnectorException TooDeep()
        => new($"The document is nested deeper than Portico reads ({MaxDepth} levels, {MaxIndent} columns of indentation).", "Flatten it: move nested schemas to components and $ref them.");

    private static string Clip(string message) => message.Length <= 500 ? message : message[..500] + "…";
}
