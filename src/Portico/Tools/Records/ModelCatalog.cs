namespace Portico.Tools.Records;

/// <summary>
/// The built-in catalog: a few ready models a tenant imports with <c>import_model</c>. Each is an ordinary model once
/// imported (the tenant's own copy, usable at once); a new catalog version is a new id, imported beside the old one.
/// </summary>
internal static class ModelCatalog
{
    public static IReadOnlyList<CatalogModel> All { get; } =
    [
        Model("Basic.Contact-1", "Contact", "A person or organisation to keep in touch with: name, email, phone, company and tags.",
            """
            {
              "$schema": "https://json-schema.org/draft/2020-12/schema",
              "type": "object",
              "properties": {
                "name": { "type": "string", "minLength": 1, "maxLength": 200 },
                "email": { "type": "string", "format": "email" },
                "phone": { "type": "string", "maxLength": 40 },
                "company": { "type": "string", "maxLength": 200 },
                "tags": { "type": "array", "items": { "type": "string", "maxLength": 50 }, "maxItems": 20 }
              },
              "required": ["name"],
              "additionalProperties": false
            }
            """,
            """{ "title": "name", "columns": ["name", "email", "company"] }""",
            ["email", "company"]),
        Model("Basic.Task-1", "Task", "Something to do: a title, whether it is done, when it is due and its priority (1 highest, 5 lowest).",
            """
            {
              "$schema": "https://json-schema.org/draft/2020-12/schema",
              "type": "object",
              "properties": {
                "title": { "type": "string", "minLength": 1, "maxLength": 300 },
                "done": { "type": "boolean" },
                "due": { "type": "string", "format": "date" },
                "priority": { "type": "integer", "minimum": 1, "maximum": 5 }
              },
              "required": ["title"],
              "additionalProperties": false
            }
            """,
            """{ "title": "title", "columns": ["title", "done", "due", "priority"] }""",
            ["done", "due"]),
        Model("Industry.Meter-1", "Meter", "A metering point and its latest reading: site, power in kW and status.",
            """
            {
              "$schema": "https://json-schema.org/draft/2020-12/schema",
              "type": "object",
              "properties": {
                "site": { "type": "string", "minLength": 1, "maxLength": 100 },
                "power": { "type": "number" },
                "status": { "enum": ["online", "offline", "maintenance"] }
              },
              "required": ["site"],
              "additionalProperties": false
            }
            """,
            """{ "title": "site", "columns": ["site", "power", "status"] }""",
            ["site"]),
        Model("Basic.Article-1", "Article", "Content published on a schedule (seed 000's content items): a title, a slug, a summary and a body; publishable, so entities take publishAt/unpublishAt.",
            """
            {
              "$schema": "https://json-schema.org/draft/2020-12/schema",
              "type": "object",
              "properties": {
                "title": { "type": "string", "minLength": 1, "maxLength": 300 },
                "slug": { "type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$", "maxLength": 200 },
                "summary": { "type": "string", "maxLength": 1000 },
                "body": { "type": "string" }
              },
              "required": ["title"],
              "additionalProperties": false
            }
            """,
            """{ "title": "title", "columns": ["title", "slug"] }""",
            ["slug"],
            publishable: true),
    ];

    public static CatalogModel? Find(ModelId id) => All.FirstOrDefault(m => m.Definition.Id == id);

    /// <summary>The newest catalog version of the model named <paramref name="name"/>, or null.</summary>
    public static CatalogModel? Latest(string name)
        => All.Where(m => m.Definition.Id.Name == name).MaxBy(m => m.Definition.Id.Version);

    private static CatalogModel Model(string id, string title, string description, string schema, string display, string[] indexes, bool publishable = false)
        => ModelId.TryParse(id, out var parsed, out var problem)
            ? new(new ModelDefinition(parsed, schema, display, indexes, publishable), title, description)
            : throw new InvalidOperationException($"Catalog model id '{id}': {problem}");
}
