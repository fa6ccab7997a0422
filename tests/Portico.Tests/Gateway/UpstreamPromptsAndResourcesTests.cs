using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using Portico.Tests.TestSupport;

namespace Portico.Tests.Gateway;

/// <summary>Upstream prompts (<c>prefix__name</c>) and resources (<c>prefix+uri</c>) served through /mcp beside the native ones, and hidden while the upstream is down.</summary>
public sealed class UpstreamPromptsAndResourcesTests
{
    [Fact]
    public async Task Upstream_prompts_resources_and_templates_are_listed_namespaced_and_round_trip_to_the_upstream()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var gateway = await GatewayHarness.StartAsync();
        await gateway.AddStdioAsync("everything", UpstreamServers.Everything, "stdio");
        await gateway.WaitUpAsync("everything");
        await using var client = await gateway.ConnectAsync();

        var prompts = await client.ListPromptsAsync(cancellationToken: ct);
        Assert.Contains(prompts, p => p.Name == "everything__args-prompt" && p.ProtocolPrompt.Arguments!.Any(a => a.Name == "city" && a.Required == true));
        Assert.Contains(prompts, p => p.Name == "everything__simple-prompt");
        var prompt = await client.GetPromptAsync("everything__args-prompt", new Dictionary<string, object?> { ["city"] = "Lyon" }, cancellationToken: ct);
        Assert.Equal("What's weather in Lyon?", Assert.IsType<TextContentBlock>(Assert.Single(prompt.Messages).Content).Text);

        var resources = await client.ListResourcesAsync(cancellationToken: ct);
        var document = resources.First(r => r.Uri.StartsWith("everything+demo://resource/static/document/", StringComparison.Ordinal));
        var read = await client.ReadResourceAsync(document.Uri, cancellationToken: ct);
        var contents = Assert.Single(read.Contents);
        Assert.Equal(document.Uri, contents.Uri);
        Assert.False(string.IsNullOrEmpty(Assert.IsType<TextResourceContents>(contents).Text));

        var templates = await client.ListResourceTemplatesAsync(cancellationToken: ct);
        Assert.Contains(templates, t => t.UriTemplate == "everything+demo://resource/dynamic/text/{resourceId}");
        var dynamic = await client.ReadResourceAsync("everything+demo://resource/dynamic/text/3", cancellationToken: ct);
        Assert.Equal("everything+demo://resource/dynamic/text/3", Assert.Single(dynamic.Contents).Uri);
        Assert.Contains("3", Assert.IsType<TextResourceContents>(Assert.Single(dynamic.Contents)).Text, StringComparison.Ordinal);

        // An upstream URI without the prefix is not Portico's, and a prefix that is no upstream is not found either.
        await Assert.ThrowsAsync<McpProtocolException>(() => client.ReadResourceAsync("demo://resource/dynamic/text/3", cancellationToken: ct).AsTask());
        await Assert.ThrowsAsync<McpProtocolException>(() => client.ReadResourceAsync("nosuch+demo://resource/dynamic/text/3", cancellationToken: ct).AsTask());
    }

    [Fact]
    public async Task Prompts_and_resources_of_a_down_upstream_are_hidden_and_come_back_with_it()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var gateway = await GatewayHarness.StartAsync();
        await using var upstream = await HttpUpstreamProcess.StartAsync();
        await gateway.AddAsync(new { name = "web", url = upstream.Url.ToString() });
        await gateway.WaitUpAsync("web");
        await using var client = await gateway.ConnectAsync();
        var promptsChanged = 0;
        var resourcesChanged = 0;
        await using var onPrompts = client.RegisterNotificationHandler(NotificationMethods.PromptListChangedNotification, (_, _) =>
        {
            Interlocked.Increment(ref promptsChanged);
            return ValueTask.CompletedTask;
        });
        await using var onResources = client.RegisterNotificationHandler(NotificationMethods.ResourceListChangedNotification, (_, _) =>
        {
            Interlocked.Increment(ref resourcesChanged);
            return ValueTask.CompletedTask;
        });
        Assert.Contains(await client.ListPromptsAsync(cancellationToken: ct), p => p.Name == "web__simple-prompt");
        Assert.Contains(await client.ListResourceTemplatesAsync(cancellationToken: ct), t => t.UriTemplate.StartsWith("web+", StringComparison.Ordinal));
        var (promptsBefore, resourcesBefore) = (Volatile.Read(ref promptsChanged), Volatile.Read(ref resourcesChanged));

        await upstream.KillAsync();
        await gateway.WaitForVendorAsync("web", v => (string?)v["status"] == "down", "down");
        // /health/vendors says "down" a moment before the catalog is republished.
        await Eventually.AssertAsync(async () => !(await client.ListPromptsAsync(cancellationToken: ct)).Any(p => p.Name.StartsWith("web__", StringComparison.Ordinal)),
            "the down upstream's prompts to leave prompts/list");

        Assert.DoesNotContain(await client.ListPromptsAsync(cancellationToken: ct), p => p.Name.StartsWith("web__", StringComparison.Ordinal));
        Assert.DoesNotContain(await client.ListResourcesAsync(cancellationToken: ct), r => r.Uri.StartsWith("web+", StringComparison.Ordinal));
        Assert.DoesNotContain(await client.ListResourceTemplatesAsync(cancellationToken: ct), t => t.UriTemplate.StartsWith("web+", StringComparison.Ordinal));
        var refused = await Assert.ThrowsAsync<McpProtocolException>(() => client.ReadResourceAsync("web+demo://resource/dynamic/text/1", cancellationToken: ct).AsTask());
        Assert.Contains("not found", refused.Message, StringComparison.OrdinalIgnoreCase);
        // The capabilities promise listChanged for prompts and resources: sessions are told.
        await Eventually.AssertAsync(() => Volatile.Read(ref promptsChanged) > promptsBefore && Volatile.Read(ref resourcesChanged) > resourcesBefore, "list_changed when they left");
        var (promptsWhileDown, resourcesWhileDown) = (Volatile.Read(ref promptsChanged), Volatile.Read(ref resourcesChanged));

        await upstream.StartAsync(ct);
        await gateway.WaitUpAsync("web");
        // As on the way down, /health/vendors says "up" a moment before the catalog is republished.
        await Eventually.AssertAsync(async () => (await client.ListPromptsAsync(cancellationToken: ct)).Any(p => p.Name == "web__simple-prompt"),
            "the upstream's prompts to come back in prompts/list");
        var back = await client.ReadResourceAsync("web+demo://resource/dynamic/text/1", cancellationToken: ct);
        Assert.Equal("web+demo://resource/dynamic/text/1", Assert.Single(back.Contents).Uri);
        await Eventually.AssertAsync(() => Volatile.Read(ref promptsChanged) > promptsWhileDown && Volatile.Read(ref resourcesChanged) > resourcesWhileDown, "list_changed when they came back");
    }

}
