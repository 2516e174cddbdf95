using System.Security.Cryptography;
using System.Text;

namespace HealthChecker.Web.Auth;

/// <summary>
/// Remembers for a few minutes the last user name and password that verified (as a keyed hash, the key made at start), so a
/// script's parallel HTTP Basic requests need neither the slow password hash nor a turn in the throttle's line. Only the
/// password itself matches: wrong guesses still wait their turn.
/// </summary>
public sealed class RecentSignIns(TimeProvider time)
{
    public static readonly TimeSpan Keep = TimeSpan.FromMinutes(5);
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);
    private readonly Lock _lock = new();
    private byte[]? _digest;
    private DateTimeOffset _until;

    public bool Knows(string? userName, string? password)
    {
        var digest = Digest(userName, password);
        lock (_lock)
        {
            return _digest is not null && time.GetUtcNow() < _until && CryptographicOperations.FixedTimeEquals(_digest, digest);
        }
    }

    public void Remember(string? userName, string? password)
    {
        var digest = Digest(userName, password);
        lock (_lock)
        {
            _digest = digest;
            _until = time.GetUtcNow() + Keep;
        }
    }

    private byte[] Digest(string? userName, string? password) =>
        HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes($"{userName}\n{password}"));
}
