namespace HealthChecker.Core.Store;

/// <summary>
/// The database could not be made ready at start-up. <see cref="Exception.Message"/> is one line
/// a person can act on; the inner exception keeps the detail for the log.
/// </summary>
public sealed class DatabaseStartupException(string message, Exception? inner = null) : Exception(message, inner);
