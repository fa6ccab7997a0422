using System.Text.Json.Nodes;
using ModelContextProtocol.Protocol;
using Portico.Catalog;
using Portico.Policy;

namespace Portico.Tools.Conformance;

/// <summary>Fixed resources (text, binary, one to subscribe to) and a template with one variable.</summary>
internal sealed partial class ConformancePack
{
    private static partial void RegisterResources(CatalogBuilder catalog)
    {
        AddTextResource(catalog, "test://static-text", "static-text", "A static text resource.", "This is the content of the static text resource.");
        AddTextResource(catalog, "test://watched-resource", "watched-resource", "A resource clients may subscribe to.", "Watched resource content");

        catalog.AddResource(
            new Resource { Uri = "test://static-binary", Name = "static-binary", Description = "A static binary resource (a PNG image).", MimeType = "image/png" },
            (request, _) => ValueTask.FromResult(new ReadResourceResult
            {
                Contents = [BlobResourceContents.FromBytes(Png, "test://static-binary", "image/png")],
            }));

        catalog.AddResourceTemplate(
            new ResourceTemplate
            {
                UriTemplate = "test://template/{id}/data",
                Name = "template",
                Description = "A resource template with parameter substitution",
                MimeType = "application/json",
            },
            (request, variables, _) =>
            {
                var id = variables["id"];
                var data = new JsonObject { ["id"] = id, ["templateTest"] = true, ["data"] = $"Data for ID: {id}" };
                return ValueTask.FromResult(new ReadResourceResult
                {
                    Contents = [new TextResourceContents { Uri = request.Params!.Uri, MimeType = "application/json", Text = data.ToJsonString() }],
                });
            });
    }

    private static void AddTextResource(CatalogBuilder catalog, string uri, string name, string description, string text)
        => catalog.AddResource(
            new Resource { Uri = uri, Name = name, Description = description, MimeType = "text/plain" },
            (_, _) => ValueTask.FromResult(new ReadResourceResult
            {
                Contents = [new TextResourceContents { Uri = uri, MimeType = "text/plain", Text = text }],
            }));
}
