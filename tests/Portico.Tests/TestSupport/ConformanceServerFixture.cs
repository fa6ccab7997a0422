namespace Portico.Tests.TestSupport;

/// <summary>One server in <c>serve --conformance</c> mode (the conformance fixture's tools) shared by a test class.</summary>
public sealed class ConformanceServerFixture : IAsyncLifetime
{
    internal PorticoTestServer Server { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Server = await PorticoTestServer.StartAsync(conformance: true);

    public async ValueTask DisposeAsync() => await Server.DisposeAsync();
}
