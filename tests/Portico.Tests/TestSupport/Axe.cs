using System.Text.Json;
using Microsoft.Playwright;

namespace Portico.Tests.TestSupport;

/// <summary>
/// axe-core (npm, <see cref="PortalTools.AxeScript"/>) run in a page: evaluated through the DevTools protocol, which the
/// page's Content-Security-Policy does not govern, so the page is checked exactly as served.
/// </summary>
internal static class Axe
{
    private static readonly Lazy<string> Source = new(() => File.ReadAllText(PortalTools.AxeScript));

    /// <summary>Fails with each serious or critical violation: rule, impact, help and the elements it found.</summary>
    public static async Task AssertNoSeriousViolationsAsync(IPage page)
    {
        if (!await page.EvaluateAsync<bool>("() => typeof window.axe !== 'undefined'"))
        {
            await page.EvaluateAsync(Source.Value);
        }

        var json = await page.EvaluateAsync<string>("""
            async () => {
              const results = await window.axe.run(document, { resultTypes: ['violations'] });
              return JSON.stringify(results.violations
                .filter(v => v.impact === 'serious' || v.impact === 'critical')
                .map(v => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map(n => n.html) })));
            }
            """);
        using var violations = JsonDocument.Parse(json);
        Assert.True(violations.RootElement.GetArrayLength() == 0, $"axe found serious or critical violations on {page.Url}:\n{json}");
    }
}
