using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using Portico.Access;
using Portico.Schema;
using Portico.Tests.Cli;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Connectors;

public sealed class ConnectorTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_connector_from_a_url_serves_each_operation_as_a_tool_with_schemas_and_annotations()
    {
        await using var api = await PetsApi.StartAsync();
        await using var portico = await ConnectorHarness.StartAsync();

        var added = await portico.AddOkAsync(new { name = "pets", url = api.Host.Url("/openapi.yaml").AbsoluteUri });
        await using var client = await portico.ConnectAsync();
        var get = await ConnectorHarness.WaitForToolAsync(client, "pets__getPet");
        var tools = (await client.ListToolsAsync(cancellationToken: Ct)).Select(t => t.ProtocolTool).Where(t => t.Name.StartsWith("pets__", StringComparison.Ordinal)).ToList();

        Assert.Equal(["pets__addPet", "pets__delete_pets_petId", "pets__getPet", "pets__listPets"], added["tools"]!.AsArray().Select(t => (string?)t).Order(StringComparer.Ordinal));
        Assert.Equal(4, tools.Count);
        Assert.Equal("Find a pet by id", get.Title);
        Assert.Contains("Returns one pet.", get.Description, StringComparison.Ordinal);
        Assert.True(get.Annotations!.ReadOnlyHint);
        Assert.Equal(["petId"], get.InputSchema.GetProperty("required").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("object", get.OutputSchema!.Value.GetProperty("type").GetString());
        var delete = tools.Single(t => t.Name == "pets__delete_pets_petId");
        Assert.True(delete.Annotations!.DestructiveHint);
        Assert.True(delete.InputSchema.GetProperty("properties").TryGetProperty("confirm", out _));
        var add = tools.Single(t => t.Name == "pets__addPet");
        Assert.False(add.Annotations!.ReadOnlyHint);
        Assert.False(add.Annotations.DestructiveHint);
        Assert.Equal("#/$defs/NewPet", add.InputSchema.GetProperty("properties").GetProperty("body").GetProperty("$ref").GetString());
        // Every schema is one Portico's own 2020-12 validator accepts (the recursive Pet included).
        foreach (var tool in tools)
        {
            JsonSchemaCompiler.Compile(tool.InputSchema);
            if (tool.OutputSchema is { } output)
            {
                JsonSchemaCompiler.Compile(output);
            }
        }
    }

    [Fact]
    public async Task Calls_become_http_requests_and_answers_become_text_and_structured_content()
    {
        await using var api = await PetsApi.StartAsync();
        api.Add(7, "Rex");
        await using var portico = await ConnectorHarness.StartAsync();
        await portico.AddOkAsync(new { name = "pets", document = api.Document });
        await using var client = await portico.ConnectAsync();
        await ConnectorHarness.WaitForToolAsync(client, "pets__addPet");

        var found = await client.CallToolAsync("pets__getPet", new Dictionary<string, object?> { ["petId"] = "7" }, cancellationToken: Ct);
        var created = await client.CallToolAsync("pets__addPet", new Dictionary<string, object?> { ["body"] = new { name = "Bella", tag = "dog" } }, cancellationToken: Ct);
        var listed = await client.CallToolAsync("pets__listPets", new Dictionary<string, object?> { ["status"] = "available", ["tag"] = new List<string> { "a b", "c" } }, cancellationToken: Ct);
        var missing = await client.CallToolAsync("pets__getPet", new Dictionary<string, object?> { ["petId"] = "999" }, cancellationToken: Ct);
        var invalid = await client.CallToolAsync("pets__addPet", new Dictionary<string, object?> { ["body"] = new { tag = "no name" } }, cancellationToken: Ct);
        var unconfirmed = await client.CallToolAsync("pets__delete_pets_petId", new Dictionary<string, object?> { ["petId"] = "7" }, cancellationToken: Ct);
        var stillThere = api.Pets.ContainsKey(7);
        var deleted = await client.CallToolAsync("pets__delete_pets_petId", new Dictionary<string, object?> { ["petId"] = "7", ["confirm"] = true }, cancellationToken: Ct);

        Assert.NotEqual(true, found.IsError);
        Assert.Equal("Rex", found.StructuredContent!.Value.GetProperty("name").GetString());
        Assert.Contains("Rex", Assert.IsType<TextContentBlock>(found.Content[0]).Text, StringComparison.Ordinal);
        Assert.NotEqual(true, created.IsError);
        Assert.Equal("Bella", JsonNode.Parse(Assert.Single(api.Posted))!["name"]!.GetValue<string>());
        Assert.Equal(101, created.StructuredContent!.Value.GetProperty("id").GetInt64());
        Assert.NotEqual(true, listed.IsError);
        Assert.Contains("/pets?status=available&tag=a%20b&tag=c", api.Targets);
        Assert.True(missing.IsError);
        var error = missing.StructuredContent!.Value.GetProperty("error");
        Assert.Equal("NOT_FOUND", error.GetProperty("code").GetString());
        Assert.Contains("HTTP 404: Pet 999 not found", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(404, error.GetProperty("details").GetProperty("status").GetInt32());
        Assert.Equal("VALIDATION_FAILED", invalid.StructuredContent!.Value.GetProperty("error").GetProperty("code").GetString());
        Assert.Single(api.Posted);
        Assert.Equal("CONFIRMATION_REQUIRED", unconfirmed.StructuredContent!.Value.GetProperty("error").GetProperty("code").GetString());
        Assert.True(stillThere);
        Assert.NotEqual(true, deleted.IsError);
        Assert.False(api.Pets.ContainsKey(7));
    }

    [Fact]
    public async Task Connector_tools_need_the_integrations_scopes_read_for_get_and_write_for_the_rest()
    {
        await using var api = await PetsApi.StartAsync();
        api.Add(7, "Rex");
        await using var portico = await ConnectorHarness.StartAsync();
        await portico.AddOkAsync(new { name = "pets", document = api.Document });
        var readOnly = await portico.Server.AdminAsync(a => a.CreateKeyAsync(PorticoTestServer.UserEmail, "reader", null,
            new HashSet<string> { Scopes.Read("integrations") }, null, test: true, CancellationToken.None));
        var other = await portico.Server.AdminAsync(a => a.CreateKeyAsync(PorticoTestServer.UserEmail, "records", null,
            new HashSet<string> { Scopes.Read("records"), Scopes.Write("records") }, null, test: true, CancellationToken.None));
        await using var reader = await portico.ConnectAsync(readOnly.Plaintext);
        await using var outsider = await portico.ConnectAsync(other.Plaintext);
        await using var full = await portico.ConnectAsync();
        await ConnectorHarness.WaitForToolAsync(full, "pets__getPet");

        var read = await reader.CallToolAsync("pets__getPet", new Dictionary<string, object?> { ["petId"] = "7" }, cancellationToken: Ct);
        var write = await reader.CallToolAsync("pets__addPet", new Dictionary<string, object?> { ["body"] = new { name = "Bella" } }, cancellationToken: Ct);
        var refused = await outsider.CallToolAsync("pets__getPet", new Dictionary<string, object?> { ["petId"] = "7" }, cancellationToken: Ct);

        Assert.NotEqual(true, read.IsError);
        Assert.True(write.IsError);
        Assert.Contains("portico/integrations.write", write.StructuredContent!.Value.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.True(refused.IsError);
        Assert.Empty(api.Posted);
    }

    [Fact]
    public async Task Reloading_a_changed_document_updates_the_tools_on_every_instance_with_list_changed()
    {
        await using var api = await PetsApi.StartAsync();
        await using var instances = await TwoInstances.StartAsync(new Dictionary<string, string?>
        {
            ["Portico:Outbound:Connectors:AllowPrivateNetworks"] = "true",
            ["Portico:Outbound:Connectors:AllowHttp"] = "true",
        });
        var admin = await instances.A.AdminAsync(a => a.CreateKeyAsync(PorticoTestServer.UserEmail, "admin", null, new HashSet<string> { Scopes.Admin }, null, test: true, CancellationToken.None));
        using var adminClient = instances.A.CreateClient(admin.Plaintext);
        using var addedResponse = await adminClient.PostAsJsonAsync("/admin/api/connectors", new { name = "pets", url = api.Host.Url("/openapi.yaml").AbsoluteUri }, Ct);
        Assert.Equal(HttpStatusCode.Created, addedResponse.StatusCode);
        await using var onB = await McpClient.CreateAsync(new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = instances.B.McpEndpoint,
            TransportMode = HttpTransportMode.StreamableHttp,
            AdditionalHeaders = new Dictionary<string, string> { ["Authorization"] = $"Bearer {instances.B.ApiKey}" },
        }), new McpClientOptions { ProtocolVersion = "2025-11-25" }, cancellationToken: Ct);
        await ConnectorHarness.WaitForToolAsync(onB, "pets__getPet");
        var listChanged = 0;
        await using var registration = onB.RegisterNotificationHandler(NotificationMethods.ToolListChangedNotification, (_, _) =>
        {
            Interlocked.Increment(ref listChanged);
            return ValueTask.CompletedTask;
        });

        api.Document = api.Document.Replace("operationId: getPet", "operationId: findPet", StringComparison.Ordinal);
        using var reloaded = await adminClient.PostAsync("/admin/api/connectors/pets/reload", null, Ct);

        Assert.Equal(HttpStatusCode.OK, reloaded.StatusCode);
        await ConnectorHarness.WaitForToolAsync(onB, "pets__findPet");
        Assert.DoesNotContain((await onB.ListToolsAsync(cancellationToken: Ct)).Select(t => t.Name), n => n == "pets__getPet");
        await Eventually.AssertAsync(() => Volatile.Read(ref listChanged) > 0, "notifications/tools/list_changed on instance B");

        using var removed = await adminClient.DeleteAsync("/admin/api/connectors/pets", Ct);
        Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        await Eventually.AssertAsync(async () => !(await onB.ListToolsAsync(cancellationToken: Ct)).Any(t => t.Name.StartsWith("pets__", StringComparison.Ordinal)), "the removed connector's tools to leave B");
    }

    [Fact]
    public async Task The_admin_api_needs_an_admin_key_and_answers_mistakes_with_a_hint()
    {
        await using var api = await PetsApi.StartAsync();
        await using var portico = await ConnectorHarness.StartAsync();
        using var user = portico.Server.CreateClient();
        using var anonymous = portico.Server.CreateClient(null);

        using var forbidden = await user.PostAsJsonAsync("/admin/api/connectors", new { name = "pets", document = api.Document }, Ct);
        using var unauthenticated = await anonymous.GetAsync("/admin/api/connectors", Ct);
        using var badName = await portico.AddAsync(new { name = "Bad__Name", document = api.Document });
        using var notOpenApi = await portico.AddAsync(new { name = "pets", document = "{\"hello\": \"world\"}" });
        using var notJson = await portico.AddAsync("just a string");
        using var created = await portico.AddAsync(new { name = "pets", document = api.Document });
        using var duplicate = await portico.AddAsync(new { name = "pets", document = api.Document });
        using var admin = portico.Server.CreateClient(portico.AdminKey);
        using var reloadWithoutUrl = await admin.PostAsync("/admin/api/connectors/pets/reload", null, Ct);
        using var missing = await admin.DeleteAsync("/admin/api/connectors/nope", Ct);

        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unauthenticated.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badName.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, notOpenApi.StatusCode);
        Assert.NotNull((await notOpenApi.Content.ReadFromJsonAsync<JsonObject>(Ct))!["hint"]);
        Assert.Equal(HttpStatusCode.BadRequest, notJson.StatusCode);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, reloadWithoutUrl.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task An_upstream_cannot_take_a_connectors_name_since_their_tools_would_collide()
    {
        await using var api = await PetsApi.StartAsync();
        await using var portico = await ConnectorHarness.StartAsync();
        await portico.AddOkAsync(new { name = "pets", document = api.Document });
        using var admin = portico.Server.CreateClient(portico.AdminKey);

        using var taken = await admin.PostAsJsonAsync("/admin/api/upstreams", new { name = "pets", url = "https://pets.example.com/mcp" }, Ct);
        using var free = await admin.PostAsJsonAsync("/admin/api/upstreams", new { name = "docs", url = "https://docs.example.com/mcp" }, Ct);

        Assert.Equal(HttpStatusCode.Conflict, taken.StatusCode);
        var refusal = (await taken.Content.ReadFromJsonAsync<JsonObject>(Ct))!;
        Assert.Equal("A connector named 'pets' already exists; its tools use the prefix 'pets__'.", (string?)refusal["error"]);
        Assert.NotNull(refusal["hint"]);
        Assert.Equal(HttpStatusCode.Created, free.StatusCode);
    }

    [Fact]
    public async Task The_cli_adds_lists_reloads_and_removes_connectors()
    {
        using var sandbox = new CliSandbox();
        var file = Path.Combine(Path.GetTempPath(), $"pets-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(file, PetsApi.Yaml("https://pets.example.com/v1"), Ct);
        try
        {
            var added = await sandbox.RunAsync("connectors", "add", "--name", "pets", "--file", file, "--json");
            var listed = await sandbox.RunAsync("connectors", "list");
            await File.WriteAllTextAsync(file, PetsApi.Yaml("https://pets.example.com/v1").Replace("operationId: listPets", "operationId: allPets", StringComparison.Ordinal), Ct);
            var reloaded = await sandbox.RunAsync("connectors", "reload", "--name", "pets", "--file", file, "--json");
            var removed = await sandbox.RunAsync("connectors", "remove", "--name", "pets");
            var missing = await sandbox.RunAsync("connectors", "remove", "--name", "pets");

            Assert.True(added.ExitCode == 0, added.Error);
            Assert.Equal("https://pets.example.com/v1", ((string?)JsonNode.Parse(added.Output)!["baseUrl"])!.TrimEnd('/'));
            Assert.Contains("pets", listed.Output, StringComparison.Ordinal);
            Assert.Contains("pets__allPets", JsonNode.Parse(reloaded.Output)!["tools"]!.AsArray().Select(t => (string?)t));
            Assert.Equal(0, removed.ExitCode);
            Assert.NotEqual(0, missing.ExitCode);
            Assert.Contains("No connector named 'pets'", missing.Error, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
