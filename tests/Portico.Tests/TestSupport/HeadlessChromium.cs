using Microsoft.Playwright;

namespace Portico.Tests.TestSupport;

/// <summary>
/// Debian's Chromium driven by Playwright, headless, shared by a test class (xunit class fixture); each test opens its own
/// browser context, so cookies never leak between tests. Playwright never downloads a browser here: it launches
/// <see cref="ExecutablePath"/>, which <c>scripts/install-prereqs.sh</c> installs.
/// </summary>
public sealed class HeadlessChromium : IAsyncLifetime
{
    public const string ExecutablePath = "/usr/bin/chromium";

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public async ValueTask InitializeAsync()
    {
        // A missing browser is a broken test machine, never a reason to skip the page tests.
        if (!File.Exists(ExecutablePath))
        {
            throw new InvalidOperationException(
                $"Chromium is not installed at {ExecutablePath}; the login/consent page tests need it. Install it with: sudo bash scripts/install-prereqs.sh (Debian's chromium package).");
        }

        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = ExecutablePath, Headless = true });
    }

    /// <summary>A fresh context (no cookies) whose every wait has the suite's one default timeout (<see cref="Eventually.DefaultTimeout"/>); dispose it to close its pages.</summary>
    internal async Task<IBrowserContext> NewContextAsync(BrowserNewContextOptions? options = null)
    {
        var context = await _browser!.NewContextAsync(options);
        // The suite's one timeout: a page that renders slowly on a loaded machine is not a failure.
        context.SetDefaultTimeout((float)Eventually.DefaultTimeout.TotalMilliseconds);
        return context;
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }
}
