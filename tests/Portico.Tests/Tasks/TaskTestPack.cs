using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Protocol;
using Portico.Access;
using Portico.Catalog;

namespace Portico.Tests.Tasks;

/// <summary>Task tools for tests: one that runs until cancelled (and counts its runs), one that asks the client, one that needs a scope.</summary>
internal sealed class TaskTestPack : IMcpPack
{
    private static readonly JsonElement Schema = JsonDocument.Parse("""{"type":"object","properties":{}}""").RootElement;

    private int _running;
    private int _cancelled;

    public string Name => "task-test";

    /// <summary>How many <c>wait-job</c> calls run now, and how many ended by cancellation.</summary>
    public int Running => Volatile.Read(ref _running);

    public int Cancelled => Volatile.Read(ref _cancelled);

    public static TaskTestPack Of(IServiceProvider services) => services.GetServices<IMcpPack>().OfType<TaskTestPack>().Single();

    public void Register(CatalogBuilder catalog)
    {
        catalog.AddTool(new ToolDefinition
        {
            Tool = new Tool { Name = "wait-job", Description = "runs until cancelled", InputSchema = Schema },
            Handler = WaitAsync,
            Owner = Name,
            TaskSupport = TaskSupport.Optional,
        });
        catalog.AddTool(new ToolDefinition
        {
            Tool = new Tool { Name = "ask-job", Description = "asks the client for a name", InputSchema = Schema },
            Handler = AskAsync,
            Owner = Name,
            TaskSupport = TaskSupport.Optional,
        });
        catalog.AddTool(new ToolDefinition
        {
            Tool = new Tool { Name = "scoped-job", Description = "needs records.write; runs until cancelled", InputSchema = Schema },
            Handler = WaitAsync,
            Owner = Name,
            RequiredScope = Scopes.Write("records"),
            TaskSupport = TaskSupport.Optional,
        });
    }

    private async ValueTask<CallToolResult> WaitAsync(ToolInvocation invocation, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _running);
        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
            return new CallToolResult();
        }
        catch (OperationCanceledException)
        {
            Interlocked.Increment(ref _cancelled);
            throw;
        }
        finally
        {
            Interlocked.Decrement(ref _running);
        }
    }

    private static async ValueTask<CallToolResult> AskAsync(ToolInvocation invocation, CancellationToken cancellationToken)
    {
        var answer = await invocation.Server.ElicitAsync(new ElicitRequestParams
        {
            Message = "Your name?",
            RequestedSchema = new ElicitRequestParams.RequestSchema { Properties = { ["name"] = new ElicitRequestParams.StringSchema() } },
        }, cancellationToken);
        var name = answer.Content is { } content && content.TryGetValue("name", out var value) ? value.GetString() : null;
        return new CallToolResult { Content = [new TextContentBlock { Text = $"Hello, {name}!" }] };
    }
}
