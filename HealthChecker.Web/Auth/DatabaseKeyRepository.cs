using System.Xml.Linq;
using HealthChecker.Web.Hosting;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Npgsql;

namespace HealthChecker.Web.Auth;

/// <summary>
/// Keeps ASP.NET Core data protection's keys (which sign the sign-in cookie and antiforgery tokens) in
/// <c>hc_private.data_protection_keys</c>, so sign-ins survive restarts and containers and hold on
/// every instance sharing the database. The key ring is read rarely (at first use, then about once
/// a day), so the synchronous calls the interface requires cost nothing on the request path.
/// </summary>
public sealed class DatabaseKeyRepository(DatabaseService database) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var conn = database.Database.DataSource.OpenConnection();
        using var cmd = new NpgsqlCommand("SELECT xml FROM hc_private.data_protection_keys ORDER BY created_at, friendly_name", conn);
        using var reader = cmd.ExecuteReader();
        var elements = new List<XElement>();
        while (reader.Read())
        {
            elements.Add(XElement.Parse(reader.GetString(0)));
        }

        return elements;
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        using var conn = database.Database.DataSource.OpenConnection();
        using var cmd = new NpgsqlCommand(
            "INSERT INTO hc_private.data_protection_keys (friendly_name, xml) VALUES (@name, @xml) ON CONFLICT (friendly_name) DO UPDATE SET xml = EXCLUDED.xml",
            conn);
        cmd.Parameters.AddWithValue("name", friendlyName);
        cmd.Parameters.AddWithValue("xml", element.ToString(SaveOptions.DisableFormatting));
        cmd.ExecuteNonQuery();
    }
}
