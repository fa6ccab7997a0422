using System.Text.Json;

namespace Portico.Tools.Records;

/// <summary>Input schemas of the model tools (the tenant pack adds the optional <c>tenantId</c> to each).</summary>
internal static class ModelSchemas
{
    public const string ModelIdProperty = """
        { "type": "string", "minLength": 3, "maxLength": 112,
          "description": "The model id, Name-Version with a whole-number version: \"Basic.Contact-1\" (not SemVer: \"MyType-1.0.0\" is refused)." }
        """;

    public static readonly JsonElement List = RecordSchemas.Schema("{}");

    public static readonly JsonElement Status = RecordSchemas.Schema("{}");

    public static readonly JsonElement Import = RecordSchemas.Schema($$"""{ "modelId": {{ModelIdProperty}} }""", "modelId");

    public static readonly JsonElement Define = RecordSchemas.Schema($$"""
        {
          "modelId": {{ModelIdProperty}},
          "schema": { "type": "object",
            "description": "JSON Schema (draft 2020-12) of the entities' attributes: \"type\": \"object\" with \"properties\"; at most 65536 bytes; no remote $ref." },
          "display": { "type": "object",
            "properties": {
              "title": { "type": "string", "description": "The attribute path that names an entity, e.g. \"name\"." },
              "columns": { "type": "array", "maxItems": 12, "items": { "type": "string" }, "description": "Attribute paths to show in lists." }
            },
            "additionalProperties": false,
            "description": "How to show entities of this model." },
          "indexes": { "type": "array", "maxItems": 8, "items": { "type": "string" },
            "description": "Attribute paths queries filter or sort by (e.g. [\"email\", \"address.city\"]); the store indexes them." },
          "publishable": { "type": "boolean", "default": false,
            "description": "Content published on a schedule: its entities take publishAt/unpublishAt and show a published state computed from the clock." }
        }
        """, "modelId", "schema");
}
