namespace Portico.Tests.Policy.Schema;

/// <summary>Realistic tool input schemas for the fuzz test, between them using every supported keyword.</summary>
internal static class FuzzSchemas
{
    public const string CreateTable = """
        {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object", "required": ["name", "schema"],
         "additionalProperties": false,
         "properties": {
           "name": {"type": "string", "pattern": "^[a-z][a-z0-9_]{0,62}$", "minLength": 1, "maxLength": 63},
           "schema": {"type": "object", "properties": {"tableConfig": {"type": "object", "properties": {
             "headers": {"type": "object", "minProperties": 1, "maxProperties": 20, "additionalProperties": false,
               "patternProperties": {"^column": {"type": "object", "required": ["meta"],
                 "properties": {"meta": {"type": "boolean"}, "width": {"type": "integer", "minimum": 1, "maximum": 1000}}}}}}}}},
           "tags": {"type": "array", "items": {"enum": ["tag-a", "tag-b", "tag-c"]}, "uniqueItems": true, "maxItems": 10},
           "createdAt": {"type": "string", "format": "date-time"},
           "owner": {"type": "string", "format": "email"},
           "id": {"type": "string", "format": "uuid"},
           "homepage": {"type": ["string", "null"], "format": "uri"}}}
        """;

    public const string Tree = """
        {"$defs": {"node": {"type": "object", "required": ["value"],
           "properties": {"value": {"type": ["number", "string", "null"], "maxLength": 100},
                          "children": {"type": "array", "items": {"$ref": "#/$defs/node"}, "maxItems": 50}}}},
         "$ref": "#/$defs/node"}
        """;

    public const string AnyJson = """
        {"type": ["object", "array", "string", "number", "boolean", "null"],
         "additionalProperties": {"$ref": "#"}, "items": {"$ref": "#"}, "maxLength": 1000}
        """;

    public const string Shapes = """
        {"oneOf": [
           {"type": "object", "required": ["kind", "radius"], "properties": {"kind": {"const": "circle"}, "radius": {"type": "number", "exclusiveMinimum": 0}}},
           {"type": "object", "required": ["kind", "w", "h"], "properties": {"kind": {"const": "rect"},
             "w": {"type": "number", "multipleOf": 0.5}, "h": {"type": "number", "multipleOf": 0.5, "exclusiveMaximum": 1e308}}}],
         "anyOf": [{"required": ["kind"]}, {"minProperties": 3}],
         "allOf": [{"not": {"required": ["forbidden"]}}, true]}
        """;

    public const string Tuple = """
        {"type": "array", "prefixItems": [{"type": "string"}, {"type": "integer"}, {"type": "boolean"}], "items": false, "minItems": 1}
        """;

    public const string Numbers = """
        {"type": "object", "properties": {
           "n": {"type": "integer", "minimum": -1e400, "maximum": 1e400},
           "f": {"type": "number", "multipleOf": 0.01, "exclusiveMaximum": 1e308},
           "big": {"enum": [1, 1.0, 1e400, "x", {"a": [1, 2]}, null]},
           "value": true, "children": false},
         "minProperties": 1, "maxProperties": 5}
        """;

    public static readonly string[] All = [CreateTable, Tree, AnyJson, Shapes, Tuple, Numbers];
}
