using Portico.Catalog;
using Portico.Gateway;

namespace Portico.Tests.Gateway;

public sealed class GatewayToolNamesTests
{
    [Fact]
    public void Short_names_are_prefix_and_tool()
        => Assert.Equal("docs__search", VendorToolNames.Build("docs", "search"));

    [Fact]
    public void Long_names_are_shortened_to_64_characters_deterministically_and_distinctly()
    {
        var a = VendorToolNames.Build("vendor", new string('a', 80) + "_one");
        var b = VendorToolNames.Build("vendor", new string('a', 80) + "_two");

        Assert.Equal(64, a.Length);
        Assert.Equal(64, b.Length);
        Assert.NotEqual(a, b);
        Assert.StartsWith("vendor__aaaa", a, StringComparison.Ordinal);
        Assert.Equal(a, VendorToolNames.Build("vendor", new string('a', 80) + "_one"));
    }

    [Fact]
    public void Characters_clients_refuse_are_replaced_and_the_name_stays_unique()
    {
        var spaced = VendorToolNames.Build("x", "get weather");
        var underscored = VendorToolNames.Build("x", "get_weather");

        Assert.Matches("^[A-Za-z0-9_.-]{1,64}$", spaced);
        Assert.NotEqual(spaced, underscored);
    }
}
