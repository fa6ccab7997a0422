using System.Text.Json;

namespace Portico.Tools.Records;

/// <summary>Input schemas of the entity tools (the tenant pack adds the optional <c>tenantId</c> to each).</summary>
/// <remarks>Ids and model ids carry no pattern here: the tools check them and answer with the seed's messages ("Invalid OctoObjectId", "Invalid CkTypeId") and a hint.</remarks>
internal static class EntitySchemas
{
    private const string Id = """{ "type": "string", "description": "The entity id: 24 hex characters (an OctoObjectId), e.g. 507f1f77bcf86cd799439011." }""";

    private const string Attributes = """{ "type": "object", "description": "The entity's attributes: a JSON object (at most 65536 bytes) that matches its model's schema." }""";

    private const string ExpectedVersion = """
        { "type": "integer", "minimum": 1,
          "description": "Update only if the entity is still at this version (from get_entity); otherwise CONFLICT with the current entity and version to rebase on." }
        """;

    private const string PublishAt = """
        { "type": ["string", "null"],
          "description": "Publishable models only: when the entity is published, an RFC 3339 timestamp (e.g. \"2026-03-01T10:00:00Z\"); null or absent: a draft." }
        """;

    private const string UnpublishAt = """
        { "type": ["string", "null"],
          "description": "Publishable models only: when it stops being published, after publishAt; null or absent: it stays published." }
        """;

    public static readonly JsonElement Create = RecordSchemas.Schema($$"""
        {
          "modelId": {{ModelSchemas.ModelIdProperty}},
          "attributes": {{Attributes}},
          "publishAt": {{PublishAt}},
          "unpublishAt": {{UnpublishAt}},
          "idempotencyKey": { "type": "string", "minLength": 1, "maxLength": 128,
            "description": "A key unique to this create (e.g. a UUID). Retrying with the same key returns the entity the first call created (duplicate: true)." }
        }
        """, "modelId", "attributes");

    public static readonly JsonElement Get = RecordSchemas.Schema($$"""{ "id": {{Id}} }""", "id");

    public static readonly JsonElement Update = RecordSchemas.Schema($$"""
        { "id": {{Id}}, "attributes": {{Attributes}}, "expected_version": {{ExpectedVersion}} }
        """, "id", "attributes");

    public static readonly JsonElement Delete = RecordSchemas.Schema($$"""
        {
          "id": {{Id}},
          "confirm": { "type": "boolean", "description": "Must be true: deleting cannot be undone, and without it the call is refused (CONFIRMATION_REQUIRED)." }
        }
        """, "id");

    public static readonly JsonElement BulkCreate = RecordSchemas.Schema($$"""
        {
          "items": {
            "type": "array", "minItems": 1, "maxItems": 1000,
            "description": "The entities to create (1-1000); all are created or, on any error, none.",
            "items": {
              "type": "object",
              "properties": { "modelId": {{ModelSchemas.ModelIdProperty}}, "attributes": {{Attributes}} },
              "required": ["modelId", "attributes"],
              "additionalProperties": false
            }
          }
        }
        """, "items");

    public static readonly JsonElement BulkUpdatePublishDates = RecordSchemas.Schema($$"""
        {
          "items": {
            "type": "array", "minItems": 1, "maxItems": 1000,
            "description": "The new schedules (1-1000), one per entity of a publishable model; all are applied or, on any error or conflict, none.",
            "items": {
              "type": "object",
              "properties": { "id": {{Id}}, "publishAt": {{PublishAt}}, "unpublishAt": {{UnpublishAt}}, "expected_version": {{ExpectedVersion}} },
              "required": ["id", "publishAt"],
              "additionalProperties": false
            }
          }
        }
        """, "items");

    public static readonly JsonElement BulkUpdate = RecordSchemas.Schema($$"""
        {
          "items": {
            "type": "array", "minItems": 1, "maxItems": 1000,
            "description": "The updates (1-1000), one per entity; all are applied or, on any error or conflict, none.",
            "items": {
              "type": "object",
              "properties": { "id": {{Id}}, "attributes": {{Attributes}}, "expected_version": {{ExpectedVersion}} },
              "required": ["id", "attributes"],
              "additionalProperties": false
            }
          }
        }
        """, "items");
}
