using System.Text.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol.Client;
using Portico.Tests.Policy.Schema;

namespace Portico.Tests.Gateway;

/// <summary>
/// An upstream tool whose schema uses keywords Portico does not evaluate (pydantic's discriminator, x-*) is
/// listed with its schema unaltered and is callable; its arguments are still validated by the keywords Portico
/// knows. Only a schema that is really invalid keeps its tool out, with an error that says what and where.
/// </summary>
public sealed class UpstreamSchemaTests
{
    [Fact]
    public async Task A_tool_with_discriminator_and_x_keywords_is_listed_unaltered_callable_and_still_validated()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var gateway = await GatewayHarness.StartAsync();
        await using var upstream = await AnnotatedSchemaUpstream.StartAsync();
        await gateway.AddAsync(new { name = "pets", url = upstream.Url.ToString() });
        await gateway.WaitUpAsync("pets");
        await using var client = await gateway.ConnectAsync();

        var tools = await client.ListToolsAsync(cancellationToken: ct);
        var adopt = Assert.Single(tools, tool => tool.Name == "pets__adopt");
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(UnknownKeywordTests.PydanticPets), JsonNode.Parse(adopt.JsonSchema.GetRawText())),
            "the schema clients see must be the one the upstream declared: " + adopt.JsonSchema.GetRawText());
        Assert.DoesNotContain(tools, tool => tool.Name == "pets__broken");

        var adopted = await client.CallToolAsync("pets__adopt", new Dictionary<string, object?> { ["pet"] = new { pet_type = "cat", meows = 3 } }, cancellationToken: ct);
        Assert.NotEqual(true, adopted.IsError);
        Assert.Equal(1, upstream.Calls);

        var refused = await client.CallToolAsync("pets__adopt", new Dictionary<string, object?> { ["pet"] = new { pet_type = "cat", meows = "a lot" } }, cancellationToken: ct);
        Assert.Equal(true, refused.IsError);
        var error = refused.StructuredContent!.Value.GetProperty("error");
        Assert.Equal("VALIDATION_FAILED", error.GetProperty("code").GetString());
        Assert.Contains("meows must be an integer", error.GetRawText(), StringComparison.Ordinal);
        Assert.Equal(1, upstream.Calls);
    }

    [Fact]
    public async Task A_tool_whose_schema_refers_to_nothing_is_refused_with_what_and_where()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var gateway = await GatewayHarness.StartAsync();
        await using var upstream = await AnnotatedSchemaUpstream.StartAsync();
        await gateway.AddAsync(new { name = "pets", url = upstream.Url.ToString() });
        await gateway.WaitUpAsync("pets");
        await using var client = await gateway.ConnectAsync();

        var result = await client.CallToolAsync("pets__broken", new Dictionary<string, object?> { ["x"] = 1 }, cancellationToken: ct);

        Assert.Equal(true, result.IsError);
        var error = result.StructuredContent!.Value.GetProperty("error");
        Assert.Equal("SCHEMA_UNSUPPORTED", error.GetProperty("code").GetString());
        Assert.Contains("'/properties/x/$ref'", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Contains("#/$defs/missing", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, upstream.Calls);
    }
}
