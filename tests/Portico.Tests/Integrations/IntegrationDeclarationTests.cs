using Microsoft.Extensions.DependencyInjection;
using Portico.Catalog;
using Portico.Integrations;

namespace Portico.Tests.Integrations;

/// <summary>Declaration mistakes stop the server at start-up, naming the fix, instead of surfacing at a tenant's first call.</summary>
public sealed class IntegrationDeclarationTests
{
    private static IntegrationDefinition Definition(string name, string title = "Payments") => new()
    {
        Name = name,
        Title = title,
        Description = "Charges cards.",
        Secret = "A secret API key",
        WhereToGet = "Dashboard → API keys",
    };

    [Fact]
    public void A_name_declared_twice_is_refused()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new IntegrationRegistry([Definition("payments"), Definition("payments", "Other payments")]));
        Assert.Contains("'payments' is declared twice", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Payments")]
    [InlineData("")]
    [InlineData("pay ments")]
    [InlineData("pay|ments")]
    [InlineData("a-name-that-is-much-longer-than-forty-chars")]
    public void A_malformed_name_is_refused(string name)
    {
        var error = Assert.Throws<InvalidOperationException>(() => new IntegrationRegistry([Definition(name)]));
        Assert.Contains("a-z, 0-9 and '-'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_definition_without_what_the_secret_is_is_refused()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new IntegrationRegistry([Definition("payments") with { Secret = " " }]));
        Assert.Contains("needs a Secret", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tool_that_needs_an_undeclared_integration_stops_the_start()
    {
        var catalog = McpCatalog.Build([new IntegrationTestPack(new IntegrationTestTarget(new Uri("http://127.0.0.1:9/")), new ServiceCollection().BuildServiceProvider().GetRequiredService<IServiceScopeFactory>())]);
        var declarations = new IntegrationDeclarations(new IntegrationRegistry([Definition(IntegrationTestPack.Mail)]), catalog);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => declarations.StartAsync(TestContext.Current.CancellationToken));
        Assert.Contains("'charge_test_payment' needs 'test-payments'", error.Message, StringComparison.Ordinal);

        var complete = new IntegrationDeclarations(new IntegrationRegistry([Definition(IntegrationTestPack.Payments), Definition(IntegrationTestPack.Mail)]), catalog);
        await complete.StartAsync(TestContext.Current.CancellationToken);
    }
}
