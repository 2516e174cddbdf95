using HealthChecker.Web.Hosting;

// The content root is where the binaries are (appsettings.json, wwwroot, db/), wherever the app is started from.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddHealthChecker();

var app = builder.Build();
app.UseHealthCheckerWeb();
return await app.RunHealthCheckerAsync();
