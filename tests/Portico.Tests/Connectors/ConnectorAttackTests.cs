using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Portico.Catalog;
using Portico.Connectors;

namespace Portico.Tests.Connectors;

/// <summary>What a hostile document, a hostile document URL or hostile arguments try, and that each is refused.</summary>
public sealed class ConnectorAttackTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_document_url_on_a_private_address_is_refused_by_the_outbound_policy()
    {
        await using var api = await PetsApi.StartAsync();
        await using var portico = await ConnectorHarness.StartAsync(allowLoopback: false);

        // https, so the address alone decides (plain http is refused before any connection, as the next test shows).
        using var loopback = await portico.AddAsync(new { name = "pets", url = api.Host.Url("/openapi.yaml").AbsoluteUri.Replace("http://", "https://", StringComparison.Ordinal) });
        using var metadata = await portico.AddAsync(new { name = "cloud", url = "https://169.254.169.254/latest/openapi.json" });
        var error = await loopback.Content.ReadFromJsonAsync<JsonObject>(Ct);

        Assert.Equal(HttpStatusCode.BadRequest, loopback.StatusCode);
        Assert.Contains("only public addresses", (string?)error!["error"], StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, metadata.StatusCode);
        Assert.DoesNotContain(api.Host.Requests, r => r.Path == "/openapi.yaml");
    }

    [Fact]
    public async Task A_document_whose_server_is_a_private_address_gets_no_request_through()
    {
        await using var api = await PetsApi.StartAsync();
        await using var portico = await ConnectorHarness.StartAsync(allowLoopback: false);
        // https, so only the address decides: the document points the tools at the loopback API.
        var document = PetsApi.Yaml(api.Host.BaseAddress.AbsoluteUri.TrimEnd('/').Replace("http://", "https://", StringComparison.Ordinal));
        await portico.AddOkAsync(new { name = "pets", document });
        await using var client = await portico.ConnectAsync();
        await ConnectorHarness.WaitForToolAsync(client, "pets__getPet");

        var result = await client.CallToolAsync("pets__getPet", new Dictionary<string, object?> { ["petId"] = "7" }, cancellationToken: Ct);

        Assert.True(result.IsError);
        Assert.Equal("OUTBOUND_NOT_ALLOWED", result.StructuredContent!.Value.GetProperty("error").GetProperty("code").GetString());
        Assert.Empty(api.Host.Requests);
    }

    [Fact]
    public async Task Plain_http_servers_are_refused_unless_allowed()
    {
        await using var portico = await ConnectorHarness.StartAsync(allowLoopback: false);

        using var refused = await portico.AddAsync(new { name = "pets", document = PetsApi.Yaml("http://pets.example.com") });

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("https only", (string?)(await refused.Content.ReadFromJsonAsync<JsonObject>(Ct))!["error"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Header_parameters_cannot_inject_headers_and_path_parameters_cannot_leave_their_segment()
    {
        await using var api = await PetsApi.StartAsync();
        api.Add(7, "Rex");
        await using var portico = await ConnectorHarness.StartAsync();
        await portico.AddOkAsync(new { name = "pets", document = api.Document });
        await using var client = await portico.ConnectAsync();
        await ConnectorHarness.WaitForToolAsync(client, "pets__listPets");
        var before = api.Host.Requests.Count;

        var injected = await client.CallToolAsync("pets__listPets", new Dictionary<string, object?> { ["X-Request-Note"] = "hi\r\nX-Admin: true" }, cancellationToken: Ct);
        var unicode = await client.CallToolAsync("pets__listPets", new Dictionary<string, object?> { ["X-Request-Note"] = "caf\u00e9\u2028" }, cancellationToken: Ct);
        var dotDot = await client.CallToolAsync("pets__getPet", new Dictionary<string, object?> { ["petId"] = ".." }, cancellationToken: Ct);
        var afterRefusals = api.Host.Requests.Count;
        var traversal = await client.CallToolAsync("pets__getPet", new Dictionary<string, object?> { ["petId"] = "../../admin?x=1#y" }, cancellationToken: Ct);
        var note = await client.CallToolAsync("pets__listPets", new Dictionary<string, object?> { ["X-Request-Note"] = "plain note" }, cancellationToken: Ct);

        Assert.Equal("VALIDATION_FAILED", injected.StructuredContent!.Value.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal("VALIDATION_FAILED", unicode.StructuredContent!.Value.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal("VALIDATION_FAILED", dotDot.StructuredContent!.Value.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal(before, afterRefusals);
        Assert.Equal("NOT_FOUND", traversal.StructuredContent!.Value.GetProperty("error").GetProperty("code").GetString());
        Assert.Contains("/pets/..%2F..%2Fadmin%3Fx%3D1%23y", api.Targets);
        Assert.NotEqual(true, note.IsError);
        Assert.Equal("plain note", api.Host.Requests.Last().Headers["X-Request-Note"]);
        Assert.DoesNotContain(api.Host.Requests, r => r.Headers.ContainsKey("X-Admin"));
    }

    [Fact]
    public async Task Hostile_documents_are_refused_with_a_reason_and_the_server_keeps_serving()
    {
        await using var portico = await ConnectorHarness.StartAsync(configuration: new Dictionary<string, string?> { ["Portico:Connectors:MaxDocumentBytes"] = "200000" });
        var huge = PetsApi.Yaml("https://pets.example.com") + "\n# " + new string('x', 300_000);
        var deepJson = "{\"openapi\":\"3.1.0\",\"info\":{\"title\":\"t\",\"version\":\"1\"},\"paths\":{},\"x-deep\":" + new string('[', 5000) + new string(']', 5000) + "}";
        var deepYaml = "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\nx-deep: " + new string('[', 5000) + new string(']', 5000) + "\n";
        var deepIndent = new StringBuilder("openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\nx-deep:\n");
        for (var i = 1; i < 2000; i++)
        {
            deepIndent.Append(' ', i).Append('k').Append(i).Append(":\n");
        }

        foreach (var (name, document) in new[] { ("huge", huge), ("deepjson", deepJson), ("deepyaml", deepYaml), ("deepindent", deepIndent.ToString()) })
        {
            using var response = await portico.AddAsync(new { name, document });
            Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.RequestEntityTooLarge, $"{name}: {response.StatusCode}");
            Assert.NotNull((await response.Content.ReadFromJsonAsync<JsonObject>(Ct))!["hint"]);
        }

        await portico.AddOkAsync(new { name = "pets", document = PetsApi.Yaml("https://pets.example.com") });
    }

    [Fact]
    public async Task Reference_cycles_and_odd_operation_ids_give_valid_tools_or_a_visible_refusal()
    {
        const string document = """
            {
              "openapi": "3.1.0",
              "info": { "title": "Odd", "version": "1" },
              "servers": [ { "url": "https://odd.example.com" } ],
              "paths": {
                "/a": { "get": { "operationId": "get thing/ü\r\n<script>", "responses": { "200": { "description": "ok" } } } },
                "/b": { "post": { "operationId": "x-very-long-operation-id-that-goes-on-and-on-and-on-past-sixty-four-characters-easily",
                  "requestBody": { "required": true, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Loop" } } } },
                  "responses": { "200": { "description": "ok" } } } },
                "/c": { "put": { "operationId": "spin",
                  "requestBody": { "content": { "application/json": { "schema": { "$ref": "#/components/schemas/A" } } } },
                  "responses": { "200": { "description": "ok" } } } },
                "/d/{id}": { "get": { "operationId": "undeclared", "responses": { "200": { "description": "ok" } } } },
                "/e": { "get": { "operationId": "params", "parameters": [ { "$ref": "#/components/parameters/P1" } ], "responses": { "200": { "description": "ok" } } } }
              },
              "components": {
                "schemas": {
                  "Loop": { "type": "object", "properties": { "next": { "$ref": "#/components/schemas/Loop" } } },
                  "A": { "$ref": "#/components/schemas/B" },
                  "B": { "$ref": "#/components/schemas/A" }
                },
                "parameters": {
                  "P1": { "$ref": "#/components/parameters/P2" },
                  "P2": { "$ref": "#/components/parameters/P1" }
                }
              }
            }
            """;
        await using var portico = await ConnectorHarness.StartAsync();

        var added = await portico.AddOkAsync(new { name = "odd", document });
        await using var client = await portico.ConnectAsync();
        await ConnectorHarness.WaitForToolAsync(client, VendorToolNames.Build("odd", "get thing/ü\r\n<script>"));
        var listed = (await client.ListToolsAsync(cancellationToken: Ct)).Select(t => t.Name).Where(n => n.StartsWith("odd__", StringComparison.Ordinal)).ToList();
        var spin = await client.CallToolAsync("odd__spin", new Dictionary<string, object?>(), cancellationToken: Ct);

        Assert.All(listed, n => Assert.Matches("^[A-Za-z0-9_.-]{1,64}$", n));
        Assert.Contains(listed, n => n.StartsWith("odd__x-very-long", StringComparison.Ordinal));
        var refused = added["refused"]!.AsArray().Select(r => (string?)r!["problem"]).ToList();
        Assert.Contains(refused, p => p!.Contains("'{id}' is not declared", StringComparison.Ordinal));
        Assert.Contains(refused, p => p!.Contains("parameter", StringComparison.Ordinal));
        // The non-consuming cycle A → B → A cannot be validated: the tool is refused visibly, never called unchecked.
        Assert.DoesNotContain("odd__spin", listed);
        Assert.True(spin.IsError);
        Assert.Equal("SCHEMA_UNSUPPORTED", spin.StructuredContent!.Value.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public void Derived_operation_ids_come_from_the_method_and_path()
    {
        Assert.Equal("get_pet_petId", ConnectorOperations.DerivedId("get", "/pet/{petId}"));
        Assert.Equal("delete_store_order_orderId", ConnectorOperations.DerivedId("delete", "/store/order/{orderId}"));
        Assert.Equal("post", ConnectorOperations.DerivedId("post", "/"));
    }
}
