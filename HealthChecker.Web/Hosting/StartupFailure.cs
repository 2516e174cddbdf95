using HealthChecker.Core.Store;

namespace HealthChecker.Web.Hosting;

/// <summary>Turns an exception from the start into one line a user can act on.</summary>
public static class StartupFailure
{
    public static string Describe(Exception exception) => exception switch
    {
        DatabaseStartupException database => OneLine(database.Message),
        // Kestrel: "Failed to bind to address http://...: address already in use."
        IOException { InnerException: Microsoft.AspNetCore.Connections.AddressInUseException } bind => OneLine(bind.Message),
        _ => OneLine(Chain(exception)),
    };

    private static string Chain(Exception exception)
    {
        var messages = new List<string>();
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (!messages.Contains(e.Message))
            {
                messages.Add(e.Message);
            }
        }

        return string.Join(": ", messages);
    }

    private static string OneLine(string text) =>
        string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
