using Microsoft.Playwright;

namespace HealthChecker.Tests.Support;

/// <summary>Debian's Chromium, headless, driven by Playwright (never a downloaded browser); disposing closes both.</summary>
internal sealed class HeadlessChromium(IPlaywright playwright, IBrowser browser) : IAsyncDisposable
{
    public const string Path = "/usr/bin/chromium";

    public IBrowser Browser => browser;

    public static async Task<HeadlessChromium> LaunchAsync()
    {
        Assert.True(File.Exists(Path), $"{Path} is missing: install Debian's Chromium (apt-get install chromium), as test.sh does.");
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Path,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        return new HeadlessChromium(playwright, browser);
    }

    public async ValueTask DisposeAsync()
    {
        await browser.DisposeAsync();
        playwright.Dispose();
    }
}
