using System.Globalization;
using Microsoft.Playwright;

namespace HealthChecker.Bench.Dashboard;

/// <summary>
/// Debian's Chromium (headless, driven by Playwright) on the dashboard. Times are taken inside the page, on its own
/// clock, by a script injected before the page's first byte: no Playwright round trip is counted.
/// </summary>
internal sealed class DashboardBrowser : IAsyncDisposable
{
    /// <summary>
    /// Records, in ms since navigation start, when the totals first show the expected number of targets
    /// (<c>__hcTotals</c>), when they do with at least one target row in the document (<c>__hcRendered</c>), and when
    /// the layout's marker says the circuit is live (<c>__hcInteractive</c>).
    /// </summary>
    private const string Probe = """
        (() => {
          const expected = new URLSearchParams(location.search).get('bench-total');
          const look = () => {
            if (window.__hcRendered === undefined) {
              const total = document.querySelector('[data-testid=totals] strong');
              if (total && total.textContent.trim() === expected) {
                window.__hcTotals ??= performance.now();
                if (document.querySelector('tr.target-row')) {
                  window.__hcRendered = performance.now();
                }
              }
            }
            if (window.__hcInteractive === undefined && document.querySelector('[data-interactive=true]')) {
              window.__hcInteractive = performance.now();
            }
          };
          new MutationObserver(look).observe(document, { subtree: true, childList: true, characterData: true });
        })();
        """;

    /// <summary>Records (Unix ms) when the named row's state first reads DOWN.</summary>
    private const string WatchRow = """
        name => {
          window.__hcDownAt = undefined;
          const state = () => document.querySelector(`tr.target-row[data-target-name="${name}"]`)?.dataset.state;
          const observer = new MutationObserver(() => {
            if (state() === 'DOWN') {
              window.__hcDownAt = Date.now();
              observer.disconnect();
            }
          });
          observer.observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-state'] });
          return state();
        }
        """;

    private static readonly string[] Args =
        ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
         "--disable-background-timer-throttling", "--disable-renderer-backgrounding", "--disable-backgrounding-occluded-windows"];

    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;
    private readonly Uri _baseUrl;

    private DashboardBrowser(IPlaywright playwright, IBrowser browser, Uri baseUrl)
    {
        _playwright = playwright;
        _browser = browser;
        _baseUrl = baseUrl;
    }

    public static readonly float Timeout = 180_000;

    public static async Task<DashboardBrowser> LaunchAsync(string chromium, Uri baseUrl)
    {
        if (!File.Exists(chromium))
        {
            throw new FileNotFoundException($"{chromium} is missing: install Debian's Chromium (apt-get install chromium)");
        }

        var playwright = await Playwright.CreateAsync().ConfigureAwait(false);
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = chromium, Headless = true, Args = Args })
            .ConfigureAwait(false);
        return new DashboardBrowser(playwright, browser, baseUrl);
    }

    /// <summary>
    /// Opens the dashboard in a fresh context (empty cache, its own circuit) and waits until its rows are shown and
    /// the circuit is live. The page stays open: close it with <see cref="CloseAsync"/>.
    /// </summary>
    public async Task<(IPage Page, FirstRender Timing)> OpenAsync(int expectedTotal, FrameCounter? frames = null)
    {
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } })
            .ConfigureAwait(false);
        await context.AddInitScriptAsync(Probe).ConfigureAwait(false);
        var page = await context.NewPageAsync().ConfigureAwait(false);
        page.SetDefaultTimeout(Timeout);
        page.Console += (_, message) =>
        {
            if (message.Type is "error" or "warning")
            {
                Console.Error.WriteLine($"{DateTime.Now:HH:mm:ss} page {message.Type}: {message.Text}");
            }
        };
        page.PageError += (_, error) => Console.Error.WriteLine($"{DateTime.Now:HH:mm:ss} page error: {error}");
        if (frames is not null)
        {
            page.WebSocket += (_, socket) => socket.FrameReceived += (_, frame) => frames.Add(frame.Binary?.Length ?? System.Text.Encoding.UTF8.GetByteCount(frame.Text ?? ""));
        }

        // The query string is ignored by the app; the probe reads the total it waits for from it.
        var url = new Uri(_baseUrl, $"?bench-total={expectedTotal.ToString("N0", CultureInfo.InvariantCulture)}");
        await page.GotoAsync(url.ToString(), new PageGotoOptions { WaitUntil = WaitUntilState.Commit }).ConfigureAwait(false);
        await page.WaitForFunctionAsync("() => window.__hcRendered !== undefined && window.__hcInteractive !== undefined").ConfigureAwait(false);
        var t = await page.EvaluateAsync<double[]>("""
            () => {
              const n = performance.getEntriesByType('navigation')[0];
              return [window.__hcTotals, window.__hcRendered, window.__hcInteractive, n.responseStart, n.responseEnd, n.decodedBodySize,
                      document.querySelectorAll('tr.target-row').length];
            }
            """).ConfigureAwait(false);
        return (page, new FirstRender(t[0], t[1], t[2], t[3], t[4], (long)t[5], (int)t[6]));
    }

    /// <summary>Leaves the page first, so Blazor's unload beacon ends the circuit at once instead of after the disconnect grace period.</summary>
    public static async Task CloseAsync(IPage page)
    {
        await page.GotoAsync("about:blank").ConfigureAwait(false);
        await page.Context.CloseAsync().ConfigureAwait(false);
    }

    /// <summary>Waits until the named row reads <paramref name="state"/>.</summary>
    public static Task WaitForRowAsync(IPage page, string name, string state) =>
        page.WaitForFunctionAsync("([name, state]) => document.querySelector(`tr.target-row[data-target-name=\"${name}\"]`)?.dataset.state === state",
            new[] { name, state });

    /// <summary>Starts watching the named row for DOWN; the time comes from <see cref="DownAtAsync"/>.</summary>
    public static Task WatchRowAsync(IPage page, string name) => page.EvaluateAsync(WatchRow, name);

    /// <summary>When (Unix ms, the page's clock) the watched row turned DOWN; null when it did not within the limit.</summary>
    public static async Task<double?> DownAtAsync(IPage page, TimeSpan limit)
    {
        try
        {
            await page.WaitForFunctionAsync("() => window.__hcDownAt !== undefined", null,
                new PageWaitForFunctionOptions { Timeout = (float)limit.TotalMilliseconds }).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return null;
        }

        return await page.EvaluateAsync<double>("() => window.__hcDownAt").ConfigureAwait(false);
    }

    /// <summary>The named row's state and the totals as the page shows them now.</summary>
    public static Task<string> RowStateAsync(IPage page, string name) =>
        page.EvaluateAsync<string>("""
            name => `${document.querySelector(`tr.target-row[data-target-name="${name}"]`)?.dataset.state ?? 'absent'}; totals: ${document.querySelector('[data-testid=totals]')?.textContent.replace(/\s+/g, ' ').trim()}`
            """, name);

    public async ValueTask DisposeAsync()
    {
        await _browser.CloseAsync().ConfigureAwait(false);
        _playwright.Dispose();
    }
}

/// <summary>
/// One load of the dashboard, in ms since navigation start: totals shown, rows and totals shown, circuit live, first
/// and last byte of the HTML; the HTML's size and how many target rows the document holds once live.
/// </summary>
internal sealed record FirstRender(double TotalsMs, double RenderedMs, double InteractiveMs, double ResponseStartMs, double ResponseEndMs, long HtmlBytes, int Rows);

/// <summary>What the server pushed to one page over its circuit's WebSocket.</summary>
internal sealed class FrameCounter
{
    private long _frames;
    private long _bytes;

    public (long Frames, long Bytes) Now => (Interlocked.Read(ref _frames), Interlocked.Read(ref _bytes));

    public void Add(int bytes)
    {
        Interlocked.Increment(ref _frames);
        Interlocked.Add(ref _bytes, bytes);
    }
}
