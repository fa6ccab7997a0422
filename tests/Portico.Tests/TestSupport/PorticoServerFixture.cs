namespace Portico.Tests.TestSupport;

/// <summary>One server shared by a test class (xunit class fixture).</summary>
public sealed class PorticoServerFixture : IAsyncLifetime
{
    internal PorticoTestServer Server { get; private set; } = null!;

    public async ValueTask InitializeAsync()
        => Server = await PorticoTestServer.StartAsync(configuration: new Dictionary<string, string?>
        {
            ["Portico:Mcp:MaxRequestBodyBytes"] = "65536",
        });

    public async ValueTask DisposeAsync() => await Server.DisposeAsync();
}
