using System.Text.Json;
using System.Text.Json.Nodes;
using Portico.Catalog;
using Portico.Mcp;

namespace Portico.Tools.Records;

/// <summary>Input schemas of the records tools (the tenant pack adds the optional <c>tenantId</c> to each).</summary>
internal static class RecordSchemas
{
    private const string Collection = """
        { "type": "string", "minLength": 1, "maxLength": 64, "pattern": "^[A-Za-z0-9_.-]+$",
          "description": "The collection (a kind of record, e.g. \"notes\" or \"crm.contacts\"): 1-64 of A-Z a-z 0-9 _ - ." }
        """;

    private const string Data = """
        { "type": "object", "description": "The record's fields: any JSON object of at most 65536 bytes." }
        """;

    private const string Id = """
        { "type": "string", "pattern": "^[0-9a-f]{24}$", "description": "The record id (24 lowercase hex characters), as create-record or list-records returned it." }
        """;

    public static readonly JsonElement List = Schema($$"""
        {
          "collection": {{Collection}},
          "limit": { "type": "integer", "minimum": 1, "maximum": 100, "default": 20, "description": "Records per page, 1-100 (default 20)." },
          "cursor": { "type": "string", "description": "nextCursor of the previous page; leave out to start from the newest record." }
        }
        """);

    public static readonly JsonElement Get = Schema($$"""{ "id": {{Id}} }""", "id");

    public static readonly JsonElement Create = Schema($$"""
        {
          "collection": {{Collection}},
          "data": {{Data}},
          "idempotencyKey": { "type": "string", "minLength": 1, "maxLength": 128,
            "description": "A key unique to this create (e.g. a UUID). Retrying with the same key returns the record the first call created (duplicate: true) instead of storing it twice." }
        }
        """, "collection", "data");

    public static readonly JsonElement Update = Schema($$"""
        {
          "id": {{Id}},
          "data": {{Data}},
          "expectedVersion": { "type": "integer", "minimum": 1,
            "description": "Update only if the record is still at this version (from get-record); otherwise the call fails with CONFLICT and the current version." }
        }
        """, "id", "data");

    public static readonly JsonElement Delete = Schema($$"""
        {
          "id": {{Id}},
          "confirm": { "type": "boolean", "description": "Must be true: deleting cannot be undone, and without it the call is refused (CONFIRMATION_REQUIRED)." }
        }
        """, "id");

    public static readonly JsonElement BulkCreate = Schema($$"""
        {
          "items": {
            "type": "array", "minItems": 1, "maxItems": 100,
            "description": "The records to create (1-100); all are created or, on any error, none.",
            "items": {
              "type": "object",
              "properties": { "collection": {{Collection}}, "data": {{Data}} },
              "required": ["collection", "data"],
              "additionalProperties": false
            }
          }
        }
        """, "items");

    public static JsonElement Schema(string properties, params string[] required)
    {
        var props = JsonNode.Parse(properties)!.AsObject();
        var schema = new JsonObject
        {
            ["type"] = "object",
            ["properties"] = props,
            ["required"] = new JsonArray([.. required.Select(r => JsonValue.Create(r))]),
            ["additionalProperties"] = false,
        };
        return JsonSerializer.SerializeToElement(schema, McpJson.Options.GetTypeInfo(typeof(JsonObject)));
    }
}
