namespace HealthChecker.Core.Faults;

/// <summary>The failures the app survives but must not hide; each is a label of <c>healthchecker_faults_total</c>.</summary>
public enum FaultKind
{
    /// <summary>A subscriber to a check's completion (or a state change) threw; the loop went on.</summary>
    CheckHandler,

    /// <summary>A stored target could not be read (its options or its fields): it is not checked.</summary>
    UnreadableTarget,

    /// <summary>A task a page started and did not await failed.</summary>
    PageTask,
}
