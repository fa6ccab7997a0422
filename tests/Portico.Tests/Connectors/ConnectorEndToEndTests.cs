using System.Diagnostics;
using System.Text.Json.Nodes;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Connectors;

/// <summary>
/// The acceptance end to end: real mock servers (Prism validating every request against the Swagger Petstore 3 document;
/// json-server with real state) behind connectors, called by the MCP TypeScript SDK client.
/// </summary>
public sealed class ConnectorEndToEndTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Petstore => Path.Combine(ConnectorTools.E2eDirectory, "connectors", "petstore3.yaml");

    [Fact]
    public async Task The_typescript_client_lists_the_petstore_tools_and_prism_sees_only_valid_requests()
    {
        await using var prism = await ConnectorTools.StartPrismAsync(Petstore);
        await using var portico = await ConnectorHarness.StartAsync();
        // Prism serves the paths at its root; the document's server is the relative /api/v3.
        await portico.AddOkAsync(new { name = "petstore", document = await File.ReadAllTextAsync(Petstore, Ct), baseUrl = prism.BaseAddress.AbsoluteUri });

        var output = await RunClientAsync(portico, new JsonArray
        {
            new JsonObject { ["name"] = "petstore__getPetById", ["arguments"] = new JsonObject { ["petId"] = 1 } },
            new JsonObject
            {
                ["name"] = "petstore__addPet",
                ["arguments"] = new JsonObject
                {
                    ["body"] = new JsonObject
                    {
                        ["name"] = "doggie",
                        ["photoUrls"] = new JsonArray("https://example.com/doggie.png"),
                        ["category"] = new JsonObject { ["id"] = 1, ["name"] = "Dogs" },
                        ["tags"] = new JsonArray(new JsonObject { ["id"] = 2, ["name"] = "good" }),
                        ["status"] = "available",
                    },
                },
            },
            new JsonObject { ["name"] = "petstore__deletePet", ["arguments"] = new JsonObject { ["petId"] = 1 } },
            new JsonObject { ["name"] = "petstore__deletePet", ["arguments"] = new JsonObject { ["petId"] = 1, ["confirm"] = true, ["api_key"] = "special-key" } },
            new JsonObject { ["name"] = "petstore__findPetsByStatus", ["arguments"] = new JsonObject { ["status"] = "sold" } },
            new JsonObject { ["name"] = "petstore__findPetsByTags", ["arguments"] = new JsonObject { ["tags"] = new JsonArray("a", "b") } },
        });

        var tools = output["tools"]!.AsArray().Select(t => (string?)t).ToList();
        Assert.Contains("petstore__getPetById", tools);
        Assert.Contains("petstore__addPet", tools);
        Assert.Contains("petstore__deletePet", tools);
        Assert.Contains("petstore__getUserByName", tools);
        // uploadFile's body is octet-stream but optional: served without a body.
        Assert.Contains("petstore__uploadFile", tools);
        var results = output["results"]!.AsArray();
        var get = results[0]!;
        Assert.NotEqual(true, (bool?)get["isError"]);
        Assert.NotNull(get["structuredContent"]!["name"]);
        Assert.NotEqual(true, (bool?)results[1]!["isError"]);
        Assert.NotNull(results[1]!["structuredContent"]!["photoUrls"]);
        Assert.True((bool?)results[2]!["isError"]);
        Assert.Equal("CONFIRMATION_REQUIRED", (string?)results[2]!["structuredContent"]!["error"]!["code"]);
        // The mock answers the confirmed delete with the only response the document declares: 400.
        Assert.Equal(400, (int?)results[3]!["structuredContent"]!["error"]!["details"]!["status"]);
        Assert.NotEqual(true, (bool?)results[4]!["isError"]);
        Assert.NotEqual(true, (bool?)results[5]!["isError"]);
        Assert.DoesNotContain("did not pass the validation", prism.Log, StringComparison.Ordinal);
        Assert.DoesNotContain("[VALIDATOR] ✖", prism.Log, StringComparison.Ordinal);
        Assert.Equal(5, prism.Log.Split('\n').Count(l => l.Contains("The request passed the validation rules", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_connector_against_json_server_creates_then_reads_back_real_state()
    {
        var directory = Directory.CreateTempSubdirectory("portico-json-server-");
        try
        {
            var database = Path.Combine(directory.FullName, "db.json");
            await File.WriteAllTextAsync(database, """{ "notes": [ { "id": 1, "text": "first" } ] }""", Ct);
            await using var server = await ConnectorTools.StartJsonServerAsync(database);
            await using var portico = await ConnectorHarness.StartAsync();
            await portico.AddOkAsync(new { name = "notes", document = NotesDocument(server.BaseAddress) });

            var output = await RunClientAsync(portico, new JsonArray
            {
                new JsonObject { ["name"] = "notes__createNote", ["arguments"] = new JsonObject { ["body"] = new JsonObject { ["text"] = "written through Portico" } } },
                new JsonObject { ["name"] = "notes__listNotes", ["arguments"] = new JsonObject { ["text"] = "written through Portico" } },
                new JsonObject { ["name"] = "notes__getNote", ["arguments"] = new JsonObject { ["id"] = 2 } },
                new JsonObject { ["name"] = "notes__deleteNote", ["arguments"] = new JsonObject { ["id"] = 1, ["confirm"] = true } },
                new JsonObject { ["name"] = "notes__getNote", ["arguments"] = new JsonObject { ["id"] = 1 } },
            });

            var results = output["results"]!.AsArray();
            Assert.Equal(2, (int?)results[0]!["structuredContent"]!["id"]);
            Assert.Contains("written through Portico", (string?)results[1]!["content"]![0]!["text"], StringComparison.Ordinal);
            Assert.Equal("written through Portico", (string?)results[2]!["structuredContent"]!["text"]);
            Assert.NotEqual(true, (bool?)results[3]!["isError"]);
            Assert.Equal("NOT_FOUND", (string?)results[4]!["structuredContent"]!["error"]!["code"]);
            // The state is the server's own: its database file has the new note and lost the deleted one.
            var stored = JsonNode.Parse(await File.ReadAllTextAsync(database, Ct))!["notes"]!.AsArray();
            Assert.Equal(["written through Portico"], stored.Select(n => (string?)n!["text"]));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static string NotesDocument(Uri server) => $$"""
        {
          "openapi": "3.1.0",
          "info": { "title": "Notes", "version": "1" },
          "servers": [ { "url": "{{server.AbsoluteUri.TrimEnd('/')}}" } ],
          "paths": {
            "/notes": {
              "get": { "operationId": "listNotes", "parameters": [ { "name": "text", "in": "query", "schema": { "type": "string" } } ],
                "responses": { "200": { "description": "Notes", "content": { "application/json": { "schema": { "type": "array", "items": { "$ref": "#/components/schemas/Note" } } } } } } },
              "post": { "operationId": "createNote",
                "requestBody": { "required": true, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/NewNote" } } } },
                "responses": { "201": { "description": "Created", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Note" } } } } } }
            },
            "/notes/{id}": {
              "parameters": [ { "name": "id", "in": "path", "required": true, "schema": { "type": "integer" } } ],
              "get": { "operationId": "getNote", "responses": { "200": { "description": "A note", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Note" } } } } } },
              "delete": { "operationId": "deleteNote", "responses": { "200": { "description": "Deleted" } } }
            }
          },
          "components": { "schemas": {
            "NewNote": { "type": "object", "required": [ "text" ], "properties": { "text": { "type": "string" } } },
            "Note": { "type": "object", "required": [ "id", "text" ], "properties": { "id": { "type": "integer" }, "text": { "type": "string" } } }
          } }
        }
        """;

    /// <summary>Runs tests/e2e/connectors/client.mjs (the TypeScript SDK client) with <paramref name="calls"/>; its JSON output.</summary>
    private static async Task<JsonObject> RunClientAsync(ConnectorHarness portico, JsonArray calls)
    {
        var file = Path.Combine(Path.GetTempPath(), $"portico-connector-calls-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, calls.ToJsonString(), Ct);
        try
        {
            var start = new ProcessStartInfo(PortalTools.Node) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = PortalTools.Directory };
            start.ArgumentList.Add(Path.Combine(ConnectorTools.E2eDirectory, "connectors", "client.mjs"));
            start.ArgumentList.Add(PortalTools.Directory);
            start.ArgumentList.Add(portico.Server.McpEndpoint.AbsoluteUri);
            start.ArgumentList.Add(file);
            start.Environment["PORTICO_API_KEY"] = portico.Server.ApiKey;
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync(Ct);
            var errors = process.StandardError.ReadToEndAsync(Ct);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            timeout.CancelAfter(Eventually.DefaultTimeout);
            await process.WaitForExitAsync(timeout.Token);
            Assert.True(process.ExitCode == 0, $"the TypeScript client failed ({process.ExitCode}): {await errors}");
            return JsonNode.Parse(await output)!.AsObject();
        }
        finally
        {
            File.Delete(file);
        }
    }
}
