using HealthChecker.Web.Hosting;

// The content root is where the binaries are (appsettings.json, wwwroot, db/), wherever the app is started from.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddHealthCheckerConfiguration();
builder.AddHealthCheckerLogging();
// First of the hosted services: the framework's own (data protection reads its keys from the database) start after it.
builder.AddHealthCheckerParts();
builder.AddHealthCheckerStore();
builder.AddHealthCheckerAuth();
builder.AddHealthCheckerApi();
builder.AddHealthCheckerMonitor();
builder.AddHealthCheckerWeb();

var app = builder.Build();
app.UseHealthCheckerWeb();
return await app.RunHealthCheckerAsync();
