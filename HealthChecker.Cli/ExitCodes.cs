namespace HealthChecker.Cli;

/// <summary>Nagios-style exit codes the check command returns.</summary>
public static class ExitCodes
{
    public const int AllPassed = 0;
    public const int SomeFailed = 2;
    public const int BadInput = 3;
}
