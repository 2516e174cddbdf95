using System.Net.Http.Headers;
using System.Text;
using HealthChecker.Tests.Support;

namespace HealthChecker.Tests.Web.Support;

/// <summary>The real app on a fresh test database with a known admin password, shared by the tests of one class.</summary>
public sealed class ApiApp : IAsyncLifetime
{
    public const string Password = "correct horse battery staple";

    private WebAppProcess? _app;

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
        _app = await WebAppProcess.StartAsync(new Dictionary<string, string>
        {
            ["HC_DATABASE"] = ConnectionString,
            ["HC_ADMIN_PASSWORD"] = Password,
        });
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}
