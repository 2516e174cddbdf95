using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using HealthChecker.Tests.Support;
using HealthChecker.Tests.Web.Support;
using Npgsql;

namespace HealthChecker.Tests.Web.Auth;

public sealed partial class AdminPasswordTests
{
    [Fact(Timeout = 240_000)]
    public async Task Without_a_configured_password_one_is_generated_printed_once_and_only_its_hash_is_stored()
    {
        var database = await TestDatabase.CreateEmptyAsync();
        var environment = new Dictionary<string, string> { ["HC_DATABASE"] = database };

        string password;
        var first = await WebAppProcess.StartAsync(environment);
        await using (first)
        {
            var printed = GeneratedLine().Matches(first.Output);
            password = Assert.Single(printed).Groups[1].Value;
            Assert.Equal(20, password.Length);
            Assert.Equal(HttpStatusCode.NotFound, await PauseMissingTargetAsync(first, password));
            Assert.Equal(HttpStatusCode.Unauthorized, await PauseMissingTargetAsync(first, password + "x"));
            await first.StopAsync();
        }

        await using (var conn = new NpgsqlConnection(database))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand("SELECT user_name, password_hash FROM hc_private.admin_credentials", conn);
            await using var reader = await cmd.ExecuteReaderAsync();
            Assert.True(await reader.ReadAsync());
            Assert.Equal("admin", reader.GetString(0));
            var hash = reader.GetString(1);
            Assert.DoesNotContain(password, hash, StringComparison.Ordinal);
            // ASP.NET Core Identity's v3 format: PBKDF2 with salt and iteration count, base64.
            Assert.Equal(0x01, Convert.FromBase64String(hash)[0]);
            Assert.False(await reader.ReadAsync());
        }

        // The next start prints no password and still takes the first one.
        var second = await WebAppProcess.StartAsync(environment);
        await using (second)
        {
            Assert.Empty(GeneratedLine().Matches(second.Output));
            Assert.DoesNotContain(password, second.Output, StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.NotFound, await PauseMissingTargetAsync(second, password));
            await second.StopAsync();
        }
    }

    // 404 means the credentials were taken (there is no such target); 401 that they were not.
    private static async Task<HttpStatusCode> PauseMissingTargetAsync(WebAppProcess app, string password)
    {
        using var client = new HttpClient { BaseAddress = app.BaseUrl };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"admin:{password}")));
        return (await client.PostAsync("api/targets/999999/pause", null)).StatusCode;
    }

    [GeneratedRegex(@"Generated admin password \(user admin\): (\S+)")]
    private static partial Regex GeneratedLine();
}
