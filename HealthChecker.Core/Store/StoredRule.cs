using HealthChecker.Core.Alerting;

namespace HealthChecker.Core.Store;

/// <summary>A rule as stored: its id (kept while its name is), the rule, and when it was written.</summary>
public sealed record StoredRule(long Id, AlertRule Rule, DateTime CreatedAt, DateTime UpdatedAt);
