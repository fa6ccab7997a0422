using System.Text.Json;

namespace Portico.Tools.Records;

/// <summary>Input schemas of the query tools (the tenant pack adds the optional <c>tenantId</c>); paths, operators and values are checked by <see cref="QueryArguments"/>.</summary>
internal static class QuerySchemas
{
    private const string Filter = """
        { "type": "array", "maxItems": 20,
          "description": "Conditions, all of which must hold: {\"attributePath\": \"address.city\", \"op\": \"eq\", \"value\": \"Oslo\"}. op: eq, ne (also matches a missing attribute), lt, lte, gt, gte (numbers with numbers, strings with strings), in (an array of values), contains (a string: in a string attribute, or an element of an array attribute), exists (true or false).",
          "items": { "type": "object", "properties": { "attributePath": { "type": "string" }, "op": { "type": "string" }, "value": {} }, "required": ["attributePath", "op"], "additionalProperties": false } }
        """;

    public static readonly JsonElement Query = RecordSchemas.Schema($$"""
        {
          "modelId": {{ModelSchemas.ModelIdProperty}},
          "filter": {{Filter}},
          "published": { "type": "boolean",
            "description": "Publishable models only: true for the entities published now (publishAt reached, unpublishAt not yet), false for the others; computed from the clock in the query." },
          "sort": { "type": "object", "properties": { "attributePath": { "type": "string" }, "direction": { "type": "string" } }, "additionalProperties": false,
            "description": "{\"attributePath\": \"power\", \"direction\": \"desc\"}: by a number or string attribute (entities without it are left out); the id breaks ties. Leave out for newest first." },
          "limit": { "type": "integer", "minimum": 1, "maximum": 100, "default": 20, "description": "Entities per page, 1-100 (default 20)." },
          "cursor": { "type": "string", "description": "nextCursor of the previous page, with the same arguments." }
        }
        """, "modelId");

    public static readonly JsonElement Aggregate = RecordSchemas.Schema($$"""
        {
          "modelId": {{ModelSchemas.ModelIdProperty}},
          "filter": {{Filter}},
          "published": { "type": "boolean",
            "description": "Publishable models only: true for the entities published now (publishAt reached, unpublishAt not yet), false for the others; computed from the clock in the query." },
          "aggregations": { "type": "array",
            "description": "The columns, at least one: {\"function\": \"count\"|\"sum\"|\"avg\"|\"min\"|\"max\"|\"distinct\", \"attributePath\": \"power\" (all but count need it), \"alias\": \"total\" (default <function>_<sanitised-path>)}.",
            "items": { "type": "object", "properties": { "function": { "type": "string" }, "attributePath": { "type": "string" }, "alias": { "type": "string" } }, "additionalProperties": false } },
          "groupByAttributePaths": { "type": "array", "description": "Attribute paths to group by (at most 5; non-empty, no duplicates).", "items": {} }
        }
        """, "modelId");
}
