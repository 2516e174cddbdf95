using System.Net.Http.Headers;
using System.Text;
using HealthChecker.Tests.Support;

namespace HealthChecker.Tests.Web.Support;

/// <summary>The real app on a fresh test database with a known admin password, shared by the tests of one class.</summary>
public class ApiApp : IAsyncLifetime
{
    public const string Password = "correct horse battery staple";

    private readonly IReadOnlyDictionary<string, string> _settings;
    private WebAppProcess? _app;

    public ApiApp()
        : this(new Dictionary<string, string>())
    {
    }

    /// <summary>With these HC_* settings besides the database and the password.</summary>
    protected ApiApp(IReadOnlyDictionary<string, string> settings) => _settings = settings;

    public string ConnectionString { get; private set; } = "";

    public WebAppProcess App => _app ?? throw new InvalidOperationException("not started");

    /// <summary>No credentials.</summary>
    public HttpClient Anonymous() => new() { BaseAddress = App.BaseUrl };

    /// <summary>HTTP Basic as admin with <paramref name="password"/>.</summary>
    public HttpClient Admin(string password = Password)
    {
        var client = Anonymous();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"admin:{password}")));
        return client;
    }

    public async Task InitializeAsync()
    {
        ConnectionString = await TestDatabase.CreateEmptyAsync();
        var environment = new Dictionary<string, string>(_settings)
        {
            ["HC_DATABASE"] = ConnectionString,
            ["HC_ADMIN_PASSWORD"] = Password,
        };
        _app = await WebAppProcess.StartAsync(environment);
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}
