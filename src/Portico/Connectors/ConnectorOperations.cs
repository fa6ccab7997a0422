using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol.Protocol;
using Portico.Catalog;

namespace Portico.Connectors;

/// <summary>
/// Builds a connector's tools from its normalized OpenAPI document: one per operation, named
/// <c>&lt;connector&gt;__&lt;operationId&gt;</c> (at most 64 characters, like upstream tools; an operation without an id gets one
/// from its method and path), its input schema from the path, query and header parameters plus the JSON request body
/// (<c>body</c>), its output schema from the first 2xx JSON response that is an object, its annotations from the method.
/// An operation that cannot be a tool is reported with the reason, never silently dropped.
/// </summary>
internal static class ConnectorOperations
{
    public const int MaxOperations = 1000;

    /// <summary>The <c>$defs</c> entry of an output schema for Portico's error envelope: no OpenAPI component can be named so ('/').</summary>
    private const string ErrorDefinition = "portico/error";

    private static readonly string[] Methods = ["get", "put", "post", "delete", "patch", "head", "options", "trace"];

    /// <summary>Names the pipeline itself reads from the arguments; a parameter so named is renamed <c>&lt;in&gt;_&lt;name&gt;</c>.</summary>
    private static readonly HashSet<string> Reserved = new(StringComparer.Ordinal) { ConnectorOperation.BodyProperty, ConnectorOperation.ConfirmProperty, "tenantId", ConnectorOperation.AccountProperty };

    /// <summary>Headers the client or Portico sets; OpenAPI says such header parameters are ignored, and an argument must never set them.</summary>
    private static readonly HashSet<string> ForbiddenHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Accept", "Authorization", "Content-Type", "Content-Length", "Host", "Connection", "Transfer-Encoding", "Cookie", "Proxy-Authorization",
        "Upgrade", "TE", "Trailer", "Keep-Alive", "Expect",
    };

    public static (IReadOnlyList<ConnectorOperation> Operations, IReadOnlyList<(string Tool, string Problem)> Refused) Build(string connector, JsonObject document,
        ConnectorConnection? connection)
    {
        var operations = new List<ConnectorOperation>();
        var refused = new List<(string, string)>();
        var taken = new HashSet<string>(StringComparer.Ordinal);
        var schemas = new ConnectorSchemas(document);
        if (document["paths"] is not JsonObject paths)
        {
            return (operations, refused);
        }

        foreach (var (path, rawItem) in paths)
        {
            if (Resolve(document, rawItem) is not JsonObject item)
            {
                refused.Add((path, $"The path item of '{path}' is not an object or its $ref does not resolve."));
                continue;
            }

            foreach (var method in Methods)
            {
                if (item[method] is not JsonObject operation)
                {
                    continue;
                }

                if (operations.Count + refused.Count >= MaxOperations)
                {
                    throw new ConnectorException($"The document has more than {MaxOperations} operations.", "Serve a document with only the operations the tools need.");
                }

                var operationId = operation["operationId"] is JsonValue id && id.TryGetValue<string>(out var given) && given.Length > 0 ? given : DerivedId(method, path);
                var name = VendorToolNames.Build(connector, operationId);
                if (!taken.Add(name))
                {
                    refused.Add((name, $"'{method.ToUpperInvariant()} {path}' maps to the tool name '{name}', which another operation already has; give it a distinct operationId."));
                    continue;
                }

                try
                {
                    var needs = connection?.NeededBy(document, operation) == true;
                    operations.Add(BuildOne(document, schemas, name, operationId, method, path, item, operation, needs && connection!.Kind == ConnectorConnection.OAuthKind) with
                    {
                        NeedsConnection = needs,
                    });
                }
                catch (ConnectorException ex)
                {
                    refused.Add((name, $"'{method.ToUpperInvariant()} {path}': {ex.Message}"));
                }
            }
        }

        return (operations, refused);
    }

    /// <summary><c>get /pet/{petId}</c> → <c>get_pet_petId</c>.</summary>
    public static string DerivedId(string method, string path)
    {
        var id = new StringBuilder(method);
        foreach (var segment in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            var clean = string.Concat(segment.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_')).Trim('_');
            if (clean.Length > 0)
            {
                id.Append('_').Append(clean);
            }
        }

        return id.ToString();
    }

    private static ConnectorOperation BuildOne(JsonObject document, ConnectorSchemas schemas, string name, string operationId, string method, string path,
        JsonObject item, JsonObject operation, bool takesAccount)
    {
        var used = new HashSet<string>(StringComparer.Ordinal);
        var properties = new JsonObject();
        var required = new JsonArray();
        var parameters = new List<ConnectorParameter>();

        // Operation parameters override path-item ones with the same name and location.
        var declared = new Dictionary<(string In, string Name), JsonObject>();
        foreach (var source in new[] { item["parameters"], operation["parameters"] })
        {
            foreach (var raw in source as JsonArray ?? [])
            {
                if (Resolve(document, raw) is not JsonObject parameter || Text(parameter, "name") is not { Length: > 0 } parameterName || Text(parameter, "in") is not { } location)
                {
                    throw new ConnectorException("a parameter has no name or location, or its $ref does not resolve.");
                }

                declared[(location, parameterName)] = parameter;
            }
        }

        foreach (var ((location, parameterName), parameter) in declared)
        {
            if (location is not ("path" or "query" or "header") || (location == "header" && ForbiddenHeaders.Contains(parameterName)))
            {
                // Cookie parameters and headers the transport owns are not arguments; a required one makes the operation uncallable.
                if (parameter["required"] is JsonValue r && r.TryGetValue<bool>(out var isRequired) && isRequired)
                {
                    throw new ConnectorException($"its required {location} parameter '{parameterName}' cannot be sent by Portico.");
                }

                continue;
            }

            if (location == "header" && !IsToken(parameterName))
            {
                throw new ConnectorException($"the header parameter name '{parameterName}' is not a valid HTTP header name.");
            }

            var property = Reserved.Contains(parameterName) || properties.ContainsKey(parameterName) ? $"{location}_{parameterName}" : parameterName;
            if (properties.ContainsKey(property))
            {
                throw new ConnectorException($"the parameter '{parameterName}' appears twice.");
            }

            var schema = ConnectorSchemas.Convert(parameter["schema"] ?? new JsonObject(), used);
            if (Text(parameter, "description") is { } described && schema is JsonObject schemaObject && !schemaObject.ContainsKey("description"))
            {
                schemaObject["description"] = described;
            }

            properties[property] = schema;
            if (location == "path" || (parameter["required"] is JsonValue req && req.TryGetValue<bool>(out var needed) && needed))
            {
                required.Add(property);
            }

            parameters.Add(new ConnectorParameter(property, location, parameterName));
        }

        foreach (var template in TemplateNames(path))
        {
            if (!parameters.Any(p => p.In == "path" && p.Name == template))
            {
                throw new ConnectorException($"the path parameter '{{{template}}}' is not declared.");
            }
        }

        var hasBody = false;
        if (Resolve(document, operation["requestBody"]) is JsonObject body)
        {
            var bodyRequired = body["required"] is JsonValue br && br.TryGetValue<bool>(out var isBodyRequired) && isBodyRequired;
            if (JsonMedia(body["content"]) is { } media)
            {
                var bodySchema = ConnectorSchemas.Convert(media["schema"] ?? new JsonObject(), used);
                if (Text(body, "description") is { } bodyDescription && bodySchema is JsonObject bodyObject && !bodyObject.ContainsKey("description"))
                {
                    bodyObject["description"] = bodyDescription;
                }

                properties[ConnectorOperation.BodyProperty] = bodySchema;
                hasBody = true;
                if (bodyRequired)
                {
                    required.Add(ConnectorOperation.BodyProperty);
                }
            }
            else if (bodyRequired)
            {
                throw new ConnectorException("its request body is not JSON (Portico sends application/json bodies only).");
            }
        }

        var upper = method.ToUpperInvariant();
        var destructive = upper == "DELETE";
        if (destructive)
        {
            properties[ConnectorOperation.ConfirmProperty] = new JsonObject
            {
                ["type"] = "boolean",
                ["description"] = "Must be true: this operation deletes and cannot be undone.",
            };
        }

        if (takesAccount)
        {
            // Always required, so which account acts is never a guess: one tenant may have connected several.
            properties[ConnectorOperation.AccountProperty] = new JsonObject
            {
                ["type"] = "string",
                ["minLength"] = 1,
                ["maxLength"] = 64,
                ["description"] = "The connected account to act as: an accountId from list_connected_accounts.",
            };
            required.Add(ConnectorOperation.AccountProperty);
        }

        var input = new JsonObject { ["type"] = "object", ["properties"] = properties };
        if (required.Count > 0)
        {
            input["required"] = required;
        }

        // tenantId is how a caller picks the tenant whose connection a call uses; nothing else may pass unnoticed.
        input["additionalProperties"] = false;
        properties["tenantId"] ??= new JsonObject { ["type"] = "string", ["description"] = "The tenant to act for, when the caller belongs to several." };

        if (used.Count > 0)
        {
            input["$defs"] = schemas.Definitions(used);
        }

        var summary = Text(operation, "summary");
        var description = string.Join("\n\n", new[] { summary, Text(operation, "description") }.Where(s => !string.IsNullOrWhiteSpace(s)));
        var tool = new Tool
        {
            Name = name,
            Title = summary is { Length: > 0 and <= 200 } ? summary : null,
            Description = Clip(description.Length > 0 ? $"{description}\n\n({upper} {path})" : $"{upper} {path}", 4000),
            InputSchema = JsonSerializer.SerializeToElement(input, McpJson.Options.GetTypeInfo(typeof(JsonObject))),
            OutputSchema = OutputSchema(document, schemas, operation),
            Annotations = new ToolAnnotations
            {
                ReadOnlyHint = upper is "GET" or "HEAD",
                DestructiveHint = destructive,
                IdempotentHint = upper is "GET" or "HEAD" or "PUT" or "DELETE" or "OPTIONS",
                OpenWorldHint = true,
            },
        };
        return new ConnectorOperation(tool, operationId, new HttpMethod(upper), path, parameters, hasBody, NeedsConnection: false);
    }

    /// <summary>The first 2xx JSON response's schema when it is an object (MCP's structured output must be one).</summary>
    private static JsonElement? OutputSchema(JsonObject document, ConnectorSchemas schemas, JsonObject operation)
    {
        if (operation["responses"] is not JsonObject responses)
        {
            return null;
        }

        foreach (var (code, raw) in responses.OrderBy(r => r.Key, StringComparer.Ordinal))
        {
            if (code.Length != 3 || code[0] != '2')
            {
                continue;
            }

            if (Resolve(document, raw) is not JsonObject response || JsonMedia(response["content"]) is not { } media)
            {
                return null;
            }

            var used = new HashSet<string>(StringComparer.Ordinal);
            if (ConnectorSchemas.Convert(schemas.Dereference(media["schema"]), used) is not JsonObject schema || schema["type"] is not JsonValue type
                || !type.TryGetValue<string>(out var typeName) || typeName != "object")
            {
                return null;
            }

            // A failed call answers with Portico's error envelope as structured content, and clients check structured content
            // against the output schema even on errors (the TypeScript SDK does): so the schema admits either.
            var defs = used.Count > 0 ? schemas.Definitions(used) : new JsonObject();
            defs[ErrorDefinition] = new JsonObject
            {
                ["type"] = "object",
                ["required"] = new JsonArray("error"),
                ["properties"] = new JsonObject { ["error"] = new JsonObject { ["type"] = "object", ["required"] = new JsonArray("code", "message") } },
            };
            var output = new JsonObject
            {
                ["type"] = "object",
                ["anyOf"] = new JsonArray(schema, new JsonObject { ["$ref"] = "#/$defs/portico~1error" }),
                ["$defs"] = defs,
            };
            return JsonSerializer.SerializeToElement(output, McpJson.Options.GetTypeInfo(typeof(JsonObject)));
        }

        return null;
    }

    /// <summary>The media type object of <c>application/json</c> (or another <c>+json</c> type); null when there is none.</summary>
    private static JsonObject? JsonMedia(JsonNode? content)
        => content is JsonObject types
            ? types.Where(t => t.Key.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) || t.Key.Contains("+json", StringComparison.OrdinalIgnoreCase))
                .Select(t => t.Value).OfType<JsonObject>().FirstOrDefault()
            : null;

    /// <summary>Follows local <c>$ref</c>s (<c>#/components/parameters/x</c>) a bounded number of times; null when one does not resolve.</summary>
    public static JsonNode? Resolve(JsonObject document, JsonNode? node)
    {
        for (var hops = 0; node is JsonObject obj && obj["$ref"] is JsonValue target && target.TryGetValue<string>(out var reference); hops++)
        {
            if (hops >= 16 || !reference.StartsWith("#/", StringComparison.Ordinal))
            {
                return null;
            }

            JsonNode? at = document;
            foreach (var token in reference[2..].Split('/'))
            {
                at = at is JsonObject container ? container[Uri.UnescapeDataString(token).Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)] : null;
            }

            node = at;
        }

        return node;
    }

    private static IEnumerable<string> TemplateNames(string path)
    {
        for (var start = path.IndexOf('{', StringComparison.Ordinal); start >= 0; start = path.IndexOf('{', start + 1))
        {
            var end = path.IndexOf('}', start);
            if (end < 0)
            {
                yield break;
            }

            yield return path[(start + 1)..end];
        }
    }

    private static bool IsToken(string name) => name.All(c => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c, StringComparison.Ordinal));

    private static string? Text(JsonObject node, string key) => node[key] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static string Clip(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";
}
