using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Connectors;

/// <summary>
/// A small REST API on loopback with its OpenAPI 3.0 document (YAML, at /openapi.yaml): pets to list, add, read and delete,
/// with state, so calls through a connector can be checked against what the API received.
/// </summary>
internal sealed class PetsApi : IAsyncDisposable
{
    private readonly ConcurrentDictionary<long, JsonObject> _pets = new();
    private long _next = 100;

    private PetsApi(FakeHttpHost host) => Host = host;

    public FakeHttpHost Host { get; }

    public IReadOnlyDictionary<long, JsonObject> Pets => _pets;

    /// <summary>The bodies POSTed to /pets, as received.</summary>
    public ConcurrentQueue<string> Posted { get; } = new();

    /// <summary>The raw request targets (path and query, as sent on the wire).</summary>
    public ConcurrentQueue<string> Targets { get; } = new();

    /// <summary>The document the host serves; a test may change it (a new version of the API) and reload.</summary>
    public string Document { get; set; } = "";

    public static async Task<PetsApi> StartAsync()
    {
        PetsApi? api = null;
        var host = await FakeHttpHost.StartAsync(app =>
        {
            app.Use((context, next) =>
            {
                api!.Targets.Enqueue(context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()!.RawTarget);
                return next(context);
            });
            app.MapGet("/openapi.yaml", () => Results.Text(api!.Document, "application/yaml"));
            app.MapGet("/pets", (HttpRequest request) => Results.Json(new JsonArray([.. api!._pets.Values.Select(p => p.DeepClone())])));
            app.MapPost("/pets", async (HttpRequest request) =>
            {
                using var reader = new StreamReader(request.Body);
                var text = await reader.ReadToEndAsync();
                api!.Posted.Enqueue(text);
                var pet = JsonNode.Parse(text)!.AsObject();
                pet["id"] = Interlocked.Increment(ref api._next);
                api._pets[(long)pet["id"]!] = pet;
                return Results.Json(pet, statusCode: StatusCodes.Status201Created);
            });
            app.MapGet("/pets/{petId}", (string petId) => long.TryParse(petId, out var id) && api!._pets.TryGetValue(id, out var pet)
                ? Results.Json(pet)
                : Results.Json(new JsonObject { ["code"] = 404, ["message"] = $"Pet {petId} not found" }, statusCode: StatusCodes.Status404NotFound));
            app.MapDelete("/pets/{petId}", (string petId) => long.TryParse(petId, out var id) && api!._pets.TryRemove(id, out _)
                ? Results.NoContent()
                : Results.Json(new JsonObject { ["message"] = $"Pet {petId} not found" }, statusCode: StatusCodes.Status404NotFound));
        });
        api = new PetsApi(host) { };
        api.Document = Yaml(host.BaseAddress.AbsoluteUri.TrimEnd('/'));
        return api;
    }

    public void Add(long id, string name) => _pets[id] = new JsonObject { ["id"] = id, ["name"] = name };

    /// <summary>An OpenAPI 3.0 document of this API whose servers[0] is <paramref name="server"/>.</summary>
    public static string Yaml(string server) => $$"""
        openapi: 3.0.3
        info:
          title: Pets
          version: "1.0"
        servers:
          - url: {{server}}
        paths:
          /pets:
            get:
              operationId: listPets
              summary: List pets
              parameters:
                - name: status
                  in: query
                  schema: { type: string, enum: [available, sold] }
                - name: tag
                  in: query
                  schema: { type: array, items: { type: string } }
                - name: X-Request-Note
                  in: header
                  schema: { type: string }
              responses:
                '200':
                  description: The pets.
                  content:
                    application/json:
                      schema: { type: array, items: { $ref: '#/components/schemas/Pet' } }
            post:
              operationId: addPet
              summary: Add a pet
              requestBody:
                required: true
                content:
                  application/json:
                    schema: { $ref: '#/components/schemas/NewPet' }
              responses:
                '201':
                  description: Added.
                  content:
                    application/json:
                      schema: { $ref: '#/components/schemas/Pet' }
          /pets/{petId}:
            parameters:
              - name: petId
                in: path
                required: true
                schema: { type: string }
            get:
              operationId: getPet
              summary: Find a pet by id
              description: Returns one pet.
              responses:
                '200':
                  description: The pet.
                  content:
                    application/json:
                      schema: { $ref: '#/components/schemas/Pet' }
                '404':
                  description: No such pet.
            delete:
              summary: Delete a pet
              responses:
                '204':
                  description: Deleted.
        components:
          schemas:
            NewPet:
              type: object
              required: [name]
              properties:
                name: { type: string, minLength: 1 }
                tag: { type: string, nullable: true }
            Pet:
              type: object
              required: [id, name]
              properties:
                id: { type: integer, format: int64 }
                name: { type: string }
                tag: { type: string, nullable: true }
                friends:
                  type: array
                  items: { $ref: '#/components/schemas/Pet' }
        """;

    public ValueTask DisposeAsync() => Host.DisposeAsync();
}
