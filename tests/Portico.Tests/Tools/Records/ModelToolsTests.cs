using System.Text.Json;
using System.Text.Json.Nodes;
using Portico.Tests.TestSupport;
using Portico.Tools.Records;

namespace Portico.Tests.Tools.Records;

/// <summary>The model library through <c>tools/call</c>: catalog import, definitions, the CkTypeId rule, System.* and status.</summary>
public sealed class ModelToolsTests
{
    private static JsonObject MachineSchema(string extraProperty = "serial") => new()
    {
        ["type"] = "object",
        ["properties"] = new JsonObject { [extraProperty] = new JsonObject { ["type"] = "string" }, ["power"] = new JsonObject { ["type"] = "number" } },
        ["required"] = new JsonArray(extraProperty),
    };

    [Fact]
    public async Task An_imported_catalog_model_is_listed_and_ready_at_once_and_importing_it_again_changes_nothing()
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var client = await RecordsClient.ConnectAsync(server);
        var before = RecordsClient.Ok(await client.CallAsync("list_models"));
        Assert.Empty(before["models"]!.AsArray());
        Assert.Contains(before["catalog"]!.AsArray(), m => (string?)m!["id"] == "Basic.Contact-1" && !(bool)m["imported"]!);

        var imported = await client.CallAsync("import_model", new JsonObject { ["modelId"] = "Basic.Contact-1" });
        var model = RecordsClient.Ok(imported)["model"]!;
        Assert.True((bool)RecordsClient.Ok(imported)["stored"]!);
        Assert.Equal("Basic.Contact-1", (string?)model["id"]);
        Assert.Equal("catalog", (string?)model["origin"]);
        Assert.Equal(["email", "company"], model["indexes"]!.AsArray().Select(i => (string)i!));
        Assert.Contains("usable now", RecordsClient.Text(imported), StringComparison.Ordinal);

        var listed = RecordsClient.Ok(await client.CallAsync("list_models"));
        Assert.Equal(["Basic.Contact-1"], listed["models"]!.AsArray().Select(m => (string)m!["id"]!));
        Assert.Contains(listed["catalog"]!.AsArray(), m => (string?)m!["id"] == "Basic.Contact-1" && (bool)m["imported"]!);
        var status = RecordsClient.Ok(await client.CallAsync("get_model_library_status"));
        var contact = Assert.Single(status["models"]!.AsArray())!;
        Assert.Equal("ready", (string?)contact["modelState"]);
        Assert.Equal(1, (int)contact["loadedVersion"]!);
        Assert.DoesNotContain("Basic.Contact-1", status["availableInCatalog"]!.AsArray().Select(a => (string)a!));

        var again = RecordsClient.Ok(await client.CallAsync("import_model", new JsonObject { ["modelId"] = "Basic.Contact-1" }));
        Assert.False((bool)again["stored"]!);
        Assert.Single(RecordsClient.Ok(await client.CallAsync("list_models"))["models"]!.AsArray());
    }

    [Fact]
    public async Task A_model_imported_on_one_instance_is_listed_by_the_other_in_the_next_call()
    {
        await using var instances = await TwoInstances.StartAsync();
        using var viaA = await RecordsClient.ConnectAsync(instances.A);
        using var viaB = await RecordsClient.ConnectAsync(instances.B);
        Assert.Empty(RecordsClient.Ok(await viaB.CallAsync("list_models"))["models"]!.AsArray());

        RecordsClient.Ok(await viaA.CallAsync("import_model", new JsonObject { ["modelId"] = "Industry.Meter-1" }));
        RecordsClient.Ok(await viaB.CallAsync("define_model", new JsonObject { ["modelId"] = "Acme.Machine-1", ["schema"] = MachineSchema() }));

        // No waiting: the call after the import, on the other instance, already sees it (no per-instance cache to go stale).
        Assert.Equal(["Acme.Machine-1", "Industry.Meter-1"], RecordsClient.Ok(await viaB.CallAsync("list_models"))["models"]!.AsArray().Select(m => (string)m!["id"]!));
        Assert.Equal(["Acme.Machine-1", "Industry.Meter-1"], RecordsClient.Ok(await viaA.CallAsync("get_model_library_status"))["models"]!.AsArray().Select(m => (string)m!["id"]!));
    }

    [Theory]
    [InlineData("MyType-1.0.0", "the version '1.0.0'")]
    [InlineData("MyType", "expected Name-Version")]
    [InlineData("MyType-", "expected Name-Version")]
    [InlineData("MyType-0", "the version '0'")]
    [InlineData("MyType--1", "the name must be")]
    [InlineData("My Type-1", "the name must be")]
    [InlineData("1Type-1", "the name must be")]
    [InlineData("Basic..Contact-1", "the name must be")]
    [InlineData("x'; DROP TABLE data_models; --1", "the name must be")]
    public async Task A_model_id_that_is_not_Name_Version_is_an_invalid_CkTypeId_with_a_hint(string modelId, string problem)
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var client = await RecordsClient.ConnectAsync(server);

        foreach (var (tool, arguments) in new[]
        {
            ("import_model", new JsonObject { ["modelId"] = modelId }),
            ("define_model", new JsonObject { ["modelId"] = modelId, ["schema"] = MachineSchema() }),
        })
        {
            var error = RecordsClient.Error(await client.CallAsync(tool, arguments), "VALIDATION_FAILED");
            Assert.StartsWith($"Invalid CkTypeId '{modelId}': ", (string?)error["message"], StringComparison.Ordinal);
            Assert.Contains(problem, (string?)error["message"], StringComparison.Ordinal);
            Assert.Contains("\"MyType-1\" is valid, \"MyType-1.0.0\" is not", (string?)error["hint"], StringComparison.Ordinal);
            Assert.Equal("modelId", (string?)error["details"]!["path"]);
        }

        Assert.Empty(RecordsClient.Ok(await client.CallAsync("list_models"))["models"]!.AsArray());
    }

    [Fact]
    public async Task MyType_1_is_a_valid_id_and_defines_a_model()
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var client = await RecordsClient.ConnectAsync(server);

        var defined = RecordsClient.Ok(await client.CallAsync("define_model", new JsonObject { ["modelId"] = "MyType-1", ["schema"] = MachineSchema() }))["model"]!;

        Assert.Equal("MyType", (string?)defined["name"]);
        Assert.Equal(1, (int)defined["version"]!);
        Assert.Equal("defined", (string?)defined["origin"]);
    }

    [Theory]
    [InlineData("import_model", "System.Communication-1")]
    [InlineData("import_model", "System.Reporting-2")]
    [InlineData("define_model", "System.Mine-1")]
    public async Task A_service_managed_model_is_refused_naming_its_owner_and_nothing_is_stored(string tool, string modelId)
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var client = await RecordsClient.ConnectAsync(server);

        var arguments = new JsonObject { ["modelId"] = modelId };
        if (tool == "define_model")
        {
            arguments["schema"] = MachineSchema();
        }

        var error = RecordsClient.Error(await client.CallAsync(tool, arguments), "SERVICE_MANAGED");

        Assert.StartsWith($"Model '{modelId}' is service-managed: System.* models are owned by Portico itself", (string?)error["message"], StringComparison.Ordinal);
        Assert.Contains($"{tool} never loads them, and nothing was stored", (string?)error["message"], StringComparison.Ordinal);
        Assert.Contains("define_model", (string?)error["hint"], StringComparison.Ordinal);
        Assert.Empty(RecordsClient.Ok(await client.CallAsync("list_models"))["models"]!.AsArray());
    }

    [Fact]
    public async Task Importing_a_model_the_catalog_does_not_have_is_not_found_and_names_the_versions_it_has()
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var client = await RecordsClient.ConnectAsync(server);

        var other = RecordsClient.Error(await client.CallAsync("import_model", new JsonObject { ["modelId"] = "Basic.Contact-7" }), "NOT_FOUND");
        var unknown = RecordsClient.Error(await client.CallAsync("import_model", new JsonObject { ["modelId"] = "Nope.Thing-1" }), "NOT_FOUND");

        Assert.Equal("No model 'Basic.Contact-7' in the catalog.", (string?)other["message"]);
        Assert.Contains("'Basic.Contact-1'", (string?)other["hint"], StringComparison.Ordinal);
        Assert.Contains("Industry.Meter-1", (string?)unknown["hint"], StringComparison.Ordinal);
        Assert.Contains("define_model", (string?)unknown["hint"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stored_model_never_changes_a_different_definition_of_its_id_is_a_conflict_naming_the_next_version()
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var client = await RecordsClient.ConnectAsync(server);
        RecordsClient.Ok(await client.CallAsync("define_model", new JsonObject { ["modelId"] = "Acme.Machine-1", ["schema"] = MachineSchema(), ["indexes"] = new JsonArray("serial") }));

        var same = RecordsClient.Ok(await client.CallAsync("define_model", new JsonObject { ["modelId"] = "Acme.Machine-1", ["schema"] = MachineSchema(), ["indexes"] = new JsonArray("serial") }));
        var conflict = RecordsClient.Error(await client.CallAsync("define_model", new JsonObject { ["modelId"] = "Acme.Machine-1", ["schema"] = MachineSchema("code") }), "CONFLICT");

        Assert.False((bool)same["stored"]!);
        Assert.Contains("'Acme.Machine-2'", (string?)conflict["hint"], StringComparison.Ordinal);
        Assert.Equal("serial", (string?)conflict["details"]!["current"]!["schema"]!["required"]![0]);
        RecordsClient.Ok(await client.CallAsync("define_model", new JsonObject { ["modelId"] = "Acme.Machine-2", ["schema"] = MachineSchema("code") }));
        Assert.Equal(["Acme.Machine-1", "Acme.Machine-2"], RecordsClient.Ok(await client.CallAsync("list_models"))["models"]!.AsArray().Select(m => (string)m!["id"]!));
    }

    [Theory]
    [InlineData("""{"schema":[1]}""", "schema")]
    [InlineData("""{"schema":{"type":"array"}}""", "schema.type")]
    [InlineData("""{"schema":{"properties":{}}}""", "schema.type")]
    [InlineData("""{"schema":{"$schema":"http://json-schema.org/draft-07/schema#","type":"object"}}""", "schema.$schema")]
    [InlineData("""{"schema":{"type":"object","properties":{"a":{"minLength":"x"}}}}""", "schema.properties.a.minLength")]
    [InlineData("""{"schema":{"type":"object","properties":{"a":{"$ref":"https://evil.example/s.json"}}}}""", "schema.properties.a.$ref")]
    [InlineData("""{"schema":{"type":"object"},"indexes":["a;DROP TABLE x"]}""", "indexes[0]")]
    [InlineData("""{"schema":{"type":"object"},"indexes":["a","a"]}""", "indexes[1]")]
    [InlineData("""{"schema":{"type":"object"},"indexes":["a.b.c.d.e.f.g.h.i"]}""", "indexes[0]")]
    [InlineData("""{"schema":{"type":"object"},"indexes":["$.a"]}""", "indexes[0]")]
    [InlineData("""{"schema":{"type":"object"},"display":{"title":"a'b"}}""", "display.title")]
    [InlineData("""{"schema":{"type":"object"},"display":{"columns":["ok","no-dash"]}}""", "display.columns[1]")]
    public async Task An_unusable_definition_fails_validation_naming_the_path(string arguments, string path)
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var client = await RecordsClient.ConnectAsync(server);
        var call = JsonNode.Parse(arguments)!.AsObject();
        call["modelId"] = "Acme.Thing-1";

        var error = RecordsClient.Error(await client.CallAsync("define_model", call), "VALIDATION_FAILED");

        Assert.Equal(path, (string?)error["details"]!["path"]);
        Assert.False(string.IsNullOrEmpty((string?)error["hint"]));
        Assert.Empty(RecordsClient.Ok(await client.CallAsync("list_models"))["models"]!.AsArray());
    }

    [Fact]
    public async Task Defining_a_model_under_a_catalog_name_points_to_import_model()
    {
        await using var server = await PorticoTestServer.StartAsync();
        using var client = await RecordsClient.ConnectAsync(server);

        var error = RecordsClient.Error(await client.CallAsync("define_model", new JsonObject { ["modelId"] = "Basic.Contact-2", ["schema"] = MachineSchema() }), "VALIDATION_FAILED");

        Assert.Contains("Import 'Basic.Contact-1' with import_model", (string?)error["hint"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tenants_models_are_its_own()
    {
        await using var world = await DataWorld.StartAsync();
        using var alice = await RecordsClient.ConnectAsync(world.Server, world.AliceKey);
        using var bob = await RecordsClient.ConnectAsync(world.Server, world.BobKey);
        RecordsClient.Ok(await alice.CallAsync("define_model", new JsonObject { ["modelId"] = "Acme.Secret-1", ["schema"] = MachineSchema() }));

        Assert.Empty(RecordsClient.Ok(await bob.CallAsync("list_models"))["models"]!.AsArray());
        Assert.Empty(RecordsClient.Ok(await bob.CallAsync("get_model_library_status"))["models"]!.AsArray());
        RecordsClient.Error(await bob.CallAsync("list_models", new JsonObject { ["tenantId"] = world.A }), "GROUP_NOT_AVAILABLE");
        RecordsClient.Error(await bob.CallAsync("define_model", new JsonObject { ["tenantId"] = world.A, ["modelId"] = "Acme.Secret-1", ["schema"] = MachineSchema("x") }), "GROUP_NOT_AVAILABLE");

        // The same id in B is B's own model, with B's definition; A's stays as it was.
        RecordsClient.Ok(await bob.CallAsync("define_model", new JsonObject { ["modelId"] = "Acme.Secret-1", ["schema"] = MachineSchema("code") }));
        var ofA = Assert.Single(RecordsClient.Ok(await alice.CallAsync("list_models"))["models"]!.AsArray())!;
        Assert.Equal("serial", (string?)ofA["schema"]!["required"]![0]);
    }

    [Fact]
    public void Every_catalog_model_has_a_valid_id_and_a_schema_Portico_compiles()
    {
        Assert.NotEmpty(ModelCatalog.All);
        foreach (var model in ModelCatalog.All)
        {
            Assert.False(model.Definition.Id.IsServiceManaged);
            model.Definition.Compile();
            using var schema = JsonDocument.Parse(model.Definition.Schema);
            Assert.Equal("object", schema.RootElement.GetProperty("type").GetString());
        }

        Assert.Equal(ModelCatalog.All.Count, ModelCatalog.All.Select(m => m.Definition.Id).Distinct().Count());
    }
}
