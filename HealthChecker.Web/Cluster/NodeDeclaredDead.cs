using Orleans.Runtime;

namespace HealthChecker.Web.Cluster;

/// <summary>
/// Replaces Orleans' fatal error handler, which it calls when this node learns the cluster declared it dead (or on another
/// fatal error): the engine stops checking at once (results in flight are discarded), the reason is logged in one line,
/// then the process ends as Orleans' own handler would, so that a supervisor starts it anew as a new member.
/// </summary>
public sealed class NodeDeclaredDead(Action haltChecks, OrleansMembershipView members, Serilog.ILogger log) : IFatalErrorHandler
{
    public bool IsUnexpected(Exception exception) => exception is not ThreadAbortException;

    public void OnFatalException(object? sender = null, string? context = null, Exception? exception = null)
    {
        try
        {
            haltChecks();
            members.DeclaredDead();
        }
        finally
        {
            log.Fatal(exception, "This node left the cluster for good ({Context}): checks stopped, exiting", context ?? "fatal error");
            Serilog.Log.CloseAndFlush();
            Environment.FailFast($"This node left the cluster for good: {context}", exception);
        }
    }
}
