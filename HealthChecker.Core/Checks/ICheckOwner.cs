namespace HealthChecker.Core.Checks;

/// <summary>Told when a check has its result; the event loop (or a test) forgets the check's fd and timer there.</summary>
public interface ICheckOwner
{
    void OnFinished(CheckRun check);
}
